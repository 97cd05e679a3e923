#include "adapters/dingtalk/dingtalk_inbound.h"

#include <nlohmann/json.hpp>

#include "bot/text.h"

namespace opsbot {
namespace {

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxTextBytes = 16 * 1024;

using Json = nlohmann::json;

// A string member: "" when absent or null; an error when present with another type or over `max` bytes.
Result<std::string> Str(const Json& j, const char* key, std::size_t max = kMaxIdBytes) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::Invalid(std::string("field '") + key + "' must be a string");
  std::string s = it->get<std::string>();
  if (s.size() > max) return Status::Invalid(std::string("field '") + key + "' is too long");
  return s;
}

// "@Nick" words, in order, become "@<staffId>" for the people atUsers names (DingTalk's mention picker
// writes the nick into the text and the ids into atUsers, in the same order).
std::string MapMentions(const std::string& text, const std::vector<std::string>& staff_ids) {
  std::string out;
  std::size_t next = 0, i = 0;
  while (i < text.size()) {
    bool word_start = text[i] == '@' && (i == 0 || text[i - 1] == ' ');
    if (!word_start || next >= staff_ids.size()) {
      out += text[i++];
      continue;
    }
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    out += "@" + staff_ids[next++];
    i = end;
  }
  return out;
}

}  // namespace

Result<DingTalkInbound> ParseDingTalkCallback(std::string_view json_body) {
  Json j = Json::parse(json_body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Invalid("the body is not a JSON object");
  DingTalkInbound in;
  auto field = [&](const char* key, std::string& out, std::size_t max = kMaxIdBytes) -> Status {
    auto v = Str(j, key, max);
    if (!v.ok()) return v.status();
    out = std::move(v).value();
    return Status::Ok();
  };
  std::string conversation_type, msgtype, sender_staff, sender_id, nick, chatbot_user;
  for (auto [key, out] : {std::pair{"msgId", &in.msg_id},
                          {"conversationType", &conversation_type},
                          {"conversationId", &in.conversation_id},
                          {"msgtype", &msgtype},
                          {"senderStaffId", &sender_staff},
                          {"senderId", &sender_id},
                          {"senderNick", &nick},
                          {"chatbotUserId", &chatbot_user},
                          {"robotCode", &in.robot_code}}) {
    if (Status s = field(key, *out); !s.ok()) return s;
  }
  if (Status s = field("sessionWebhook", in.session_webhook, 2048); !s.ok()) return s;
  if (in.msg_id.empty()) return Status::Invalid("no msgId");
  if (conversation_type != "1" && conversation_type != "2")
    return Status::Invalid("conversationType must be \"1\" (1:1) or \"2\" (group)");
  if (in.conversation_id.empty()) return Status::Invalid("no conversationId");
  std::string user = !sender_staff.empty() ? sender_staff : sender_id;
  if (user.empty()) return Status::Invalid("no senderStaffId or senderId");
  in.group = conversation_type == "2";
  if (auto it = j.find("sessionWebhookExpiredTime"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer())
      return Status::Invalid("field 'sessionWebhookExpiredTime' must be an integer");
    in.session_webhook_expires = it->get<EpochMillis>();
  }
  if (auto it = j.find("atUsers"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Status::Invalid("field 'atUsers' must be an array");
    for (const Json& u : *it) {
      if (!u.is_object()) return Status::Invalid("atUsers holds a non-object");
      auto staff = Str(u, "staffId");
      auto ding = Str(u, "dingtalkId");
      if (!staff.ok()) return staff.status();
      if (!ding.ok()) return ding.status();
      if (staff->empty() || (!chatbot_user.empty() && *ding == chatbot_user)) continue;  // the robot itself
      in.at_staff_ids.push_back(*staff);
    }
  }

  in.kind = DingTalkInbound::kIgnored;
  if (msgtype != "text") {
    in.ignore_reason = "a " + (msgtype.empty() ? std::string("typeless") : msgtype) + " message";
    return in;
  }
  auto text = j.find("text");
  if (text == j.end() || !text->is_object()) return Status::Invalid("a text message needs a 'text' object");
  std::string content;
  if (auto c = Str(*text, "content", kMaxTextBytes); !c.ok()) {
    return c.status();
  } else {
    content = TrimAscii(*c);
  }
  if (content.empty()) {
    in.ignore_reason = "an empty text";
    return in;
  }

  in.kind = DingTalkInbound::kMessage;
  InboundMessage& m = in.message;
  m.channel = Channel::kDingTalk;
  m.user = user;
  m.user_name = nick;
  m.chat = in.group ? in.conversation_id : "";
  m.text = MapMentions(content, in.at_staff_ids);
  m.dedupe_key = "dingtalk:msg:" + in.msg_id;
  m.platform_language = Lang::kZh;
  return in;
}

}  // namespace opsbot
