#include "adapters/wecom/wecom_inbound.h"

#include <pugixml.hpp>

#include "bot/json_body.h"
#include "bot/json_dom.h"
#include "bot/text.h"

namespace opsbot {
namespace {

constexpr std::size_t kWeComMaxIdBytes = 256;
constexpr std::size_t kWeComMaxTextBytes = 16 * 1024;
constexpr std::size_t kMaxEnvelopeBytes = 64 * 1024;

// The root <xml> element of `body`, parsed without DOCTYPE or entity expansion beyond XML's own five.
Result<pugi::xml_node> XmlRoot(pugi::xml_document& doc, std::string_view body) {
  if (body.size() > kMaxEnvelopeBytes) return Status::Invalid("the XML is too long");
  pugi::xml_parse_result r = doc.load_buffer(body.data(), body.size(),
                                             pugi::parse_default & ~pugi::parse_doctype, pugi::encoding_utf8);
  if (!r) return Status::Invalid(std::string("not XML: ") + r.description());
  pugi::xml_node root = doc.child("xml");
  if (!root) return Status::Invalid("no <xml> root element");
  return root;
}

// A child element's text (CDATA or not): "" when absent; an error over `max` bytes.
Result<std::string> XmlText(pugi::xml_node root, const char* name, std::size_t max = kWeComMaxIdBytes) {
  std::string s = root.child(name).text().as_string();
  if (s.size() > max) return Status::Invalid(std::string("<") + name + "> is too long");
  return s;
}

// The smart bot's text starts with its own mention ("@RobotA ticket list"): drop a leading "@word".
std::string StripLeadingMention(std::string text) {
  text = TrimAscii(text);
  if (text.empty() || text.front() != '@') return text;
  std::size_t end = text.find_first_of(" \t\n");
  return end == std::string::npos ? std::string() : TrimAscii(text.substr(end));
}

void FillMessage(WeComInbound& in, const std::string& user, const std::string& text, std::string dedupe_key) {
  in.kind = WeComInbound::kMessage;
  InboundMessage& m = in.message;
  m.channel = Channel::kWeCom;
  m.user = user;
  m.user_name = user;  // WeCom names a sender by userid only
  m.chat = in.group ? in.chat_id : "";
  m.text = text;
  m.dedupe_key = std::move(dedupe_key);
  m.platform_language = Lang::kZh;
}

}  // namespace

Result<std::string> WeComXmlEnvelope(std::string_view body) {
  pugi::xml_document doc;
  auto root = XmlRoot(doc, body);
  if (!root.ok()) return root.status();
  auto encrypt = XmlText(*root, "Encrypt", kMaxEnvelopeBytes);
  if (!encrypt.ok()) return encrypt.status();
  if (encrypt->empty()) return Status::Invalid("no <Encrypt>");
  return encrypt;
}

Result<std::string> WeComJsonEnvelope(std::string_view body) {
  // Read before the signature is checked: bounded depth, and no DOM for the one member (most of the body).
  constexpr std::string_view kNames[] = {"encrypt"};
  JsonMember encrypt;
  if (Status read = ReadJsonMembers(body, kNames, std::span(&encrypt, 1)); !read.ok()) return read;
  if (encrypt.state == JsonMember::kOther) return Status::Invalid("field 'encrypt' must be a string");
  if (encrypt.value.size() > kMaxEnvelopeBytes) return Status::Invalid("field 'encrypt' is too long");
  if (encrypt.value.empty()) return Status::Invalid("no encrypt");
  return std::move(encrypt.value);
}

Result<WeComInbound> ParseWeComAppMessage(std::string_view xml) {
  pugi::xml_document doc;
  auto root = XmlRoot(doc, xml);
  if (!root.ok()) return root.status();
  WeComInbound in;
  std::string from, msgtype, content;
  for (auto [name, out] : {std::pair{"FromUserName", &from}, {"MsgType", &msgtype}, {"MsgId", &in.msg_id}}) {
    auto v = XmlText(*root, name);
    if (!v.ok()) return v.status();
    *out = std::move(v).value();
  }
  if (from.empty()) return Status::Invalid("no <FromUserName>");
  if (msgtype == "event") {
    in.ignore_reason = "an event";
    return in;
  }
  if (in.msg_id.empty()) return Status::Invalid("no <MsgId>");
  if (msgtype != "text") {
    in.ignore_reason = "a " + (msgtype.empty() ? std::string("typeless") : msgtype) + " message";
    return in;
  }
  auto text = XmlText(*root, "Content", kWeComMaxTextBytes);
  if (!text.ok()) return text.status();
  content = TrimAscii(*text);
  if (content.empty()) {
    in.ignore_reason = "an empty text";
    return in;
  }
  FillMessage(in, from, content, "wecom:msg:" + in.msg_id);
  return in;
}

Result<WeComInbound> ParseWeComBotMessage(std::string_view json) {
  // Read as nlohmann's DOM read it through ParseJsonObject: of duplicate keys the last counts, nested as
  // deep.
  const JsonDom dom(json, kJsonRequestMaxDepth);
  if (!dom.ok()) return Status::Invalid(dom.error());
  simdjson::dom::object j;
  if (dom.root().get_object().get(j) != simdjson::SUCCESS) return Status::Invalid(kJsonNotAnObject);
  WeComInbound in;
  std::string chattype, msgtype, user;
  for (auto [key, out] : {std::pair{"msgid", &in.msg_id},
                          {"chatid", &in.chat_id},
                          {"chattype", &chattype},
                          {"msgtype", &msgtype}}) {
    auto v = StringMember(LastMember(j, key), key, kWeComMaxIdBytes);
    if (!v.ok()) return v.status();
    *out = std::move(v).value();
  }
  auto url = StringMember(LastMember(j, "response_url"), "response_url", 2048);
  if (!url.ok()) return url.status();
  in.response_url = std::move(url).value();
  if (auto from = LastMember(j, "from"); from && !from->is_null()) {
    simdjson::dom::object sender;
    if (from->get_object().get(sender) != simdjson::SUCCESS)
      return Status::Invalid("field 'from' must be an object");
    auto v = StringMember(LastMember(sender, "userid"), "userid", kWeComMaxIdBytes);
    if (!v.ok()) return v.status();
    user = std::move(v).value();
  }
  if (in.msg_id.empty()) return Status::Invalid("no msgid");
  if (user.empty()) return Status::Invalid("no from.userid");
  in.group = chattype == "group";
  if (in.group && in.chat_id.empty()) return Status::Invalid("a group message without chatid");
  if (msgtype != "text") {
    in.ignore_reason = "a " + (msgtype.empty() ? std::string("typeless") : msgtype) + " message";
    return in;
  }
  simdjson::dom::object text;
  if (auto t = LastMember(j, "text"); !t || t->get_object().get(text) != simdjson::SUCCESS)
    return Status::Invalid("a text message needs a 'text' object");
  auto content = StringMember(LastMember(text, "content"), "content", kWeComMaxTextBytes);
  if (!content.ok()) return content.status();
  std::string command = StripLeadingMention(*content);
  if (command.empty()) {
    in.ignore_reason = "an empty text";
    return in;
  }
  FillMessage(in, user, command, "wecom:bot:" + in.msg_id);
  return in;
}

}  // namespace opsbot
