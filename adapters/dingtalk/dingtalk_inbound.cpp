#include "adapters/dingtalk/dingtalk_inbound.h"

#include <nlohmann/json.hpp>

#include "bot/json_body.h"
#include "bot/text.h"

namespace opsbot {
namespace {

constexpr std::size_t kDingTalkMaxIdBytes = 256;
constexpr std::size_t kDingTalkMaxTextBytes = 16 * 1024;

using Json = nlohmann::json;

// A member read as a string, as the last of its duplicates left it.
using Field = JsonMember;

// "" when absent or null; an error when present with another type or over `max` bytes.
Result<std::string> Str(Field& f, const char* key, std::size_t max = kDingTalkMaxIdBytes) {
  if (f.state == Field::kAbsent || f.state == Field::kNull) return std::string();
  if (f.state == Field::kOther) return Status::Invalid(std::string("field '") + key + "' must be a string");
  if (f.value.size() > max) return Status::Invalid(std::string("field '") + key + "' is too long");
  return std::move(f.value);
}

struct AtUser {
  bool object = false;
  Field staff, ding;
};

// What a callback says, gathered by nlohmann's SAX parser (json::sax_parse) instead of a DOM, which
// allocates a std::map per object and a node per member (callgrind: 42k instructions a callback, the
// most the HTTP thread spends on one). Reads like the DOM did: of duplicate keys the last counts, and
// members of objects it does not read (a nested "msgId") are skipped.
class CallbackReader {
 public:
  enum Top { kTopFields = 10, kExpires = kTopFields, kAtUsers, kText, kUnread };
  static constexpr const char* kTopNames[kTopFields] = {
      "msgId",    "conversationType", "conversationId", "msgtype",   "senderStaffId",
      "senderId", "senderNick",       "chatbotUserId",  "robotCode", "sessionWebhook"};
  enum Shape { kAbsentShape, kObjectOrArray, kOtherShape };

  Field top[kTopFields];
  Field::State expires_state = Field::kAbsent;  // kString: an integer, in `expires`
  EpochMillis expires = 0;
  Shape at_users_shape = kAbsentShape, text_shape = kAbsentShape;  // null is kOtherShape, as `is_object`
  bool at_users_null = false;
  std::vector<AtUser> at_users;
  Field content;

  bool null() { return Scalar(Field::kNull, nullptr, 0, false); }
  bool boolean(bool) { return Scalar(Field::kOther, nullptr, 0, false); }
  bool number_integer(Json::number_integer_t v) { return Scalar(Field::kOther, nullptr, v, true); }
  bool number_unsigned(Json::number_unsigned_t v) {
    return Scalar(Field::kOther, nullptr, static_cast<EpochMillis>(v), true);
  }
  bool number_float(Json::number_float_t, const std::string&) {
    return Scalar(Field::kOther, nullptr, 0, false);
  }
  bool string(std::string& v) { return Scalar(Field::kString, &v, 0, false); }
  bool binary(Json::binary_t&) { return Scalar(Field::kOther, nullptr, 0, false); }
  bool start_object(std::size_t) { return Open(true); }
  bool start_array(std::size_t) { return Open(false); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& k) {
    switch (stack_.back()) {
      case kInTop:
        target_ = kUnread;
        for (int i = 0; i < kTopFields; ++i)
          if (k == kTopNames[i]) target_ = i;
        if (k == "sessionWebhookExpiredTime") target_ = kExpires;
        if (k == "atUsers") target_ = kAtUsers;
        if (k == "text") target_ = kText;
        break;
      case kInText:
        field_ = k == "content" ? &content : nullptr;
        break;
      case kInAtUser:
        field_ = k == "staffId"      ? &at_users.back().staff
                 : k == "dingtalkId" ? &at_users.back().ding
                                     : nullptr;
        break;
      default:
        break;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 private:
  enum Context { kInTop, kInText, kInAtUsers, kInAtUser, kSkipped };

  // A value that is not an object or array. `integer`: whether it is a whole number (in `n`).
  bool Scalar(Field::State state, std::string* s, EpochMillis n, bool integer) {
    if (stack_.empty()) return false;  // the body is not an object
    switch (stack_.back()) {
      case kInTop:
        if (target_ < kTopFields) Set(top[target_], state, s);
        if (target_ == kExpires) {
          expires_state = state == Field::kNull ? Field::kNull : integer ? Field::kString : Field::kOther;
          expires = n;
        }
        if (target_ == kAtUsers) {
          at_users_shape = kOtherShape;
          at_users_null = state == Field::kNull;
          at_users.clear();
        }
        if (target_ == kText) text_shape = kOtherShape;
        break;
      case kInText:
      case kInAtUser:
        if (field_) Set(*field_, state, s);
        break;
      case kInAtUsers:
        at_users.push_back({});
        break;
      case kSkipped:
        break;
    }
    return true;
  }

  bool Open(bool object) {
    if (stack_.empty()) {
      stack_.push_back(kInTop);
      return object;  // the body must be an object
    }
    Context next = kSkipped;
    switch (stack_.back()) {
      case kInTop:
        if (target_ < kTopFields) top[target_].state = Field::kOther;
        if (target_ == kExpires) expires_state = Field::kOther;
        if (target_ == kAtUsers) {
          at_users_shape = object ? kOtherShape : kObjectOrArray;
          at_users_null = false;
          at_users.clear();
          if (!object) next = kInAtUsers;
        }
        if (target_ == kText) {
          text_shape = object ? kObjectOrArray : kOtherShape;
          content = {};
          if (object) next = kInText;
        }
        break;
      case kInText:
      case kInAtUser:
        if (field_) field_->state = Field::kOther;
        break;
      case kInAtUsers:
        at_users.push_back({object, {}, {}});
        if (object) next = kInAtUser;
        break;
      case kSkipped:
        break;
    }
    stack_.push_back(next);
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  static void Set(Field& f, Field::State state, std::string* s) {
    f.state = state;
    if (s) f.value = std::move(*s);
  }

  std::vector<Context> stack_;
  int target_ = kUnread;    // the top-level member the next value is of
  Field* field_ = nullptr;  // the member of "text" or of an atUsers entry the next value is of
};

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
  CallbackReader r;
  if (!Json::sax_parse(json_body.begin(), json_body.end(), &r))
    return Status::Invalid("the body is not a JSON object");
  DingTalkInbound in;
  std::string conversation_type, msgtype, sender_staff, sender_id, nick, chatbot_user;
  std::string* outs[CallbackReader::kTopFields] = {
      &in.msg_id, &conversation_type, &in.conversation_id, &msgtype,           &sender_staff, &sender_id,
      &nick,      &chatbot_user,      &in.robot_code,      &in.session_webhook};
  for (int i = 0; i < CallbackReader::kTopFields; ++i) {
    const bool webhook = outs[i] == &in.session_webhook;
    auto v = Str(r.top[i], CallbackReader::kTopNames[i], webhook ? 2048 : kDingTalkMaxIdBytes);
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
  if (r.expires_state == Field::kOther)
    return Status::Invalid("field 'sessionWebhookExpiredTime' must be an integer");
  if (r.expires_state == Field::kString) in.session_webhook_expires = r.expires;
  if (r.at_users_shape == CallbackReader::kOtherShape && !r.at_users_null)
    return Status::Invalid("field 'atUsers' must be an array");
  for (AtUser& u : r.at_users) {
    if (!u.object) return Status::Invalid("atUsers holds a non-object");
    auto staff = Str(u.staff, "staffId");
    auto ding = Str(u.ding, "dingtalkId");
    if (!staff.ok()) return staff.status();
    if (!ding.ok()) return ding.status();
    if (staff->empty() || (!chatbot_user.empty() && *ding == chatbot_user)) continue;  // the robot itself
    in.at_staff_ids.push_back(*staff);
  }

  in.kind = DingTalkInbound::kIgnored;
  if (msgtype != "text") {
    in.ignore_reason = "a " + (msgtype.empty() ? std::string("typeless") : msgtype) + " message";
    return in;
  }
  if (r.text_shape != CallbackReader::kObjectOrArray)
    return Status::Invalid("a text message needs a 'text' object");
  std::string content;
  if (auto c = Str(r.content, "content", kDingTalkMaxTextBytes); !c.ok()) {
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
