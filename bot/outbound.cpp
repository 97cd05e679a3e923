#include "bot/outbound.h"

#include "bot/json_string.h"

namespace opsbot {

// Written directly (bot/json_string.h), keys in the order nlohmann's sorted objects gave them: building and
// dumping a json value cost a DingTalk command ~35k instructions, more than the outbox insert itself.
std::string OutboundMessage::ToJson() const {
  std::string out;
  out.reserve(reply.text.size() + response_url.size() + 256);
  auto key = [&](const char* k) {
    out += out.empty() ? "{\"" : ",\"";
    out += k;
    out += "\":";
  };
  key("channel");
  AppendJsonString(out, channel);
  key("command");
  AppendJsonString(out, reply.command);
  key("destination");
  AppendJsonString(out, destination);
  key("lang");
  AppendJsonString(out, LangCode(reply.lang));
  key("mentions");
  AppendJsonStrings(out, reply.mention);
  key("platform");
  AppendJsonString(out, platform);
  key("response_url");
  AppendJsonString(out, response_url);
  key("response_url_expires");
  out += std::to_string(response_url_expires);
  key("text");
  AppendJsonString(out, reply.text);
  key("thread");
  AppendJsonString(out, thread);
  key("whole");
  out += reply.whole ? "true" : "false";
  out += '}';
  return out;
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
