#include "bot/outbound.h"

namespace opsbot {

nlohmann::json OutboundMessage::ToJson() const {
  return {{"platform", platform},
          {"destination", destination},
          {"channel", channel},
          {"thread", thread},
          {"response_url", response_url},
          {"text", reply.text},
          {"response_url_expires", response_url_expires},
          {"mentions", reply.mention},
          {"lang", LangCode(reply.lang)},
          {"command", reply.command},
          {"whole", reply.whole}};
}

std::optional<OutboundMessage> OutboundMessage::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  try {
    OutboundMessage m;
    m.platform = j.at("platform").get<std::string>();
    m.destination = j.at("destination").get<std::string>();
    m.channel = j.value("channel", std::string());
    m.thread = j.value("thread", std::string());
    m.response_url = j.value("response_url", std::string());
    m.response_url_expires = j.value("response_url_expires", EpochMillis{0});
    m.reply.text = j.value("text", std::string());
    if (j.contains("mentions") && j["mentions"].is_array())
      m.reply.mention = j["mentions"].get<std::vector<std::string>>();
    m.reply.lang = ParseLang(j.value("lang", std::string("en"))).value_or(Lang::kEn);
    m.reply.command = j.value("command", std::string());
    m.reply.whole = j.value("whole", false);
    return m;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace opsbot
