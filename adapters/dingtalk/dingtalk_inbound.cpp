#include "adapters/dingtalk/dingtalk_inbound.h"

#include "bot/json_dom.h"
#include "bot/text.h"

namespace opsbot {
namespace {

constexpr std::size_t kDingTalkMaxIdBytes = 256;
constexpr std::size_t kDingTalkMaxTextBytes = 16 * 1024;

using Element = simdjson::dom::element;

// Whether `id` goes through the command parser (NormalizeChatText, then Tokenize) as one token, unchanged:
// only such an id can stand in the text for the person. One with a space in it would split the command
// (or, at its end, leave the text untrimmed).
bool IsOneToken(const std::string& id) {
  std::vector<std::string> tokens = Tokenize(NormalizeChatText(id));
  return tokens.size() == 1 && tokens[0] == id;
}

// "@Nick" words, in order, become "@<staffId>" for the people atUsers names (DingTalk's mention picker
// writes the nick into the text and the ids into atUsers, in the same order). A word whose id is not one
// token stays as typed.
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
    const std::string& id = staff_ids[next++];
    if (IsOneToken(id)) {
      out += "@" + id;
    } else {
      out.append(text, i, end - i);
    }
    i = end;
  }
  return out;
}

}  // namespace

Result<DingTalkInbound> ParseDingTalkCallback(std::string_view json_body) {
  // Read as nlohmann's DOM read it (JsonDom): of duplicate keys the last counts, and members it does not
  // read (a nested "msgId") are skipped. simdjson: 42k instructions a callback with nlohmann's DOM, 30k with
  // its SAX parser, ~3k here.
  const JsonDom dom(json_body);
  simdjson::dom::object top;
  if (!dom.ok() || dom.root().get_object().get(top) != simdjson::SUCCESS)
    return Status::Invalid("the body is not a JSON object");
  DingTalkInbound in;
  std::string conversation_type, msgtype, sender_staff, sender_id, nick, chatbot_user;
  constexpr int kTopFields = 10;
  static constexpr const char* kTopNames[kTopFields] = {
      "msgId",    "conversationType", "conversationId", "msgtype",   "senderStaffId",
      "senderId", "senderNick",       "chatbotUserId",  "robotCode", "sessionWebhook"};
  std::string* outs[kTopFields] = {
      &in.msg_id, &conversation_type, &in.conversation_id, &msgtype,           &sender_staff, &sender_id,
      &nick,      &chatbot_user,      &in.robot_code,      &in.session_webhook};
  std::optional<Element> top_values[kTopFields], expires, at_users, text;
  for (auto [key, value] : top) {  // in order: the last of duplicate keys counts
    for (int i = 0; i < kTopFields; ++i)
      if (key == kTopNames[i]) top_values[i] = value;
    if (key == "sessionWebhookExpiredTime") expires = value;
    if (key == "atUsers") at_users = value;
    if (key == "text") text = value;
  }
  for (int i = 0; i < kTopFields; ++i) {
    const bool webhook = outs[i] == &in.session_webhook;
    auto v = StringMember(top_values[i], kTopNames[i], webhook ? 2048 : kDingTalkMaxIdBytes);
    if (!v.ok()) return v.status();
    *outs[i] = std::move(v).value();
  }
  if (in.msg_id.empty()) return Status::Invalid("no msgId");
  if (conversation_type != "1" && conversation_type != "2")
    return Status::Invalid("conversationType must be \"1\" (1:1) or \"2\" (group)");
  if (in.conversation_id.empty()) return Status::Invalid("no conversationId");
  std::string user = !sender_staff.empty() ? sender_staff : sender_id;
  if (user.empty()) return Status::Invalid("no senderStaffId or senderId");
  in.group = conversation_type == "2";
  if (expires && !expires->is_null()) {
    // A whole number, as nlohmann's is_number_integer(): one past INT64_MAX wraps, as get<int64_t>() does.
    if (expires->type() == simdjson::dom::element_type::INT64) {
      in.session_webhook_expires = expires->get_int64().value_unsafe();
    } else if (expires->type() == simdjson::dom::element_type::UINT64) {
      in.session_webhook_expires = static_cast<EpochMillis>(expires->get_uint64().value_unsafe());
    } else {
      return Status::Invalid("field 'sessionWebhookExpiredTime' must be an integer");
    }
  }
  if (at_users && !at_users->is_null()) {
    simdjson::dom::array list;
    if (at_users->get_array().get(list) != simdjson::SUCCESS)
      return Status::Invalid("field 'atUsers' must be an array");
    for (Element u : list) {
      simdjson::dom::object person;
      if (u.get_object().get(person) != simdjson::SUCCESS)
        return Status::Invalid("atUsers holds a non-object");
      auto staff = StringMember(LastMember(person, "staffId"), "staffId", kDingTalkMaxIdBytes);
      auto ding = StringMember(LastMember(person, "dingtalkId"), "dingtalkId", kDingTalkMaxIdBytes);
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
  simdjson::dom::object text_object;
  if (!text || text->get_object().get(text_object) != simdjson::SUCCESS)
    return Status::Invalid("a text message needs a 'text' object");
  std::string content;
  if (auto c = StringMember(LastMember(text_object, "content"), "content", kDingTalkMaxTextBytes); !c.ok()) {
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
