#include "adapters/slack/slack_inbound.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>
#include <vector>

#include "adapters/slack/slack_text.h"
#include "bot/json_body.h"
#include "bot/text.h"
#include "bot/url_encoding.h"

namespace opsbot {
namespace {

using nlohmann::json;

constexpr std::size_t kSlackMaxIdBytes = 255;     // ids, ts, event_id, trigger_id: Slack's are ~10–60 bytes
constexpr std::size_t kMaxChallengeBytes = 1024;  // Slack's challenge is ~50 bytes
constexpr std::size_t kReasonBytes = 64;          // of a value quoted in ignore_reason

// The string at obj[key]: "" when absent or null; an error when it is another type or an id too long.
Result<std::string> StringField(const json& obj, const char* key, std::size_t max_bytes = std::string::npos) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::Invalid(std::string("'") + key + "' must be a string");
  std::string v = it->get<std::string>();
  if (v.size() > max_bytes) return Status::Invalid(std::string("'") + key + "' is too long");
  return v;
}

SlackInbound Ignored(std::string reason) {
  SlackInbound in;
  in.kind = SlackInbound::kIgnored;
  in.ignore_reason = std::move(reason);
  return in;
}

std::string Quote(std::string_view s) {
  return "'" + TruncateUtf8(s, kReasonBytes) + "'";
}

// The app's own bot user: authorizations[0].user_id, else the single entry of authed_users; "" if neither.
std::string BotUserId(const json& envelope) {
  auto auth = envelope.find("authorizations");
  if (auth != envelope.end() && auth->is_array() && !auth->empty() && (*auth)[0].is_object()) {
    auto user = (*auth)[0].find("user_id");
    if (user != (*auth)[0].end() && user->is_string() && !user->get<std::string>().empty())
      return user->get<std::string>();
  }
  auto authed = envelope.find("authed_users");
  if (authed != envelope.end() && authed->is_array() && authed->size() == 1 && (*authed)[0].is_string())
    return (*authed)[0].get<std::string>();
  return "";
}

// [begin, end) of the first `<@ID>` or `<@ID|label>` in `text` (with ID == `id`, or any ID when `id` is
// empty); begin == npos when there is none. Linear: each '>' search stops at the next '<'.
std::pair<std::size_t, std::size_t> FindUserMention(std::string_view text, std::string_view id) {
  std::size_t at = text.find("<@");
  while (at != std::string_view::npos) {
    std::size_t next = text.find('<', at + 1);
    std::string_view span = text.substr(at + 2, next == std::string_view::npos ? next : next - at - 2);
    std::size_t close = span.find('>');
    if (close != std::string_view::npos) {
      std::string_view inside = span.substr(0, close);
      std::string_view got = inside.substr(0, inside.find('|'));
      bool valid = !got.empty();
      for (char c : got)
        valid = valid && IsSlackIdChar(c);
      if (valid && (id.empty() || got == id)) return {at, at + 2 + close + 1};
    }
    at = next == std::string_view::npos ? next : text.find("<@", next);
  }
  return {std::string_view::npos, std::string_view::npos};
}

// The text a command parser sees: the bot's mention removed (with one of the spaces around it), markup
// decoded, outer whitespace trimmed.
std::string CommandText(std::string_view raw, const std::string& bot_user, bool strip_any_first_mention) {
  std::string text(raw);
  std::pair<std::size_t, std::size_t> m = {std::string_view::npos, std::string_view::npos};
  if (!bot_user.empty())
    m = FindUserMention(text, bot_user);
  else if (strip_any_first_mention)
    m = FindUserMention(text, "");
  if (m.first != std::string_view::npos) {
    std::size_t b = m.first, e = m.second;
    if (b > 0 && text[b - 1] == ' ' && e < text.size() && text[e] == ' ') ++e;
    text.erase(b, e - b);
  }
  return TrimAscii(DecodeSlackText(text));
}

Result<SlackInbound> ParseEventCallback(const json& envelope) {
  auto event_id = StringField(envelope, "event_id", kSlackMaxIdBytes);
  if (!event_id.ok()) return event_id.status();
  if (event_id->empty()) return Status::Invalid("event_callback without an event_id");
  auto team = StringField(envelope, "team_id", kSlackMaxIdBytes);
  if (!team.ok()) return team.status();
  auto ev_it = envelope.find("event");
  if (ev_it == envelope.end() || !ev_it->is_object())
    return Status::Invalid("event_callback without an event object");
  const json& ev = *ev_it;

  Result<std::string> type = StringField(ev, "type", kSlackMaxIdBytes),
                      bot_id = StringField(ev, "bot_id", kSlackMaxIdBytes),
                      subtype = StringField(ev, "subtype", kSlackMaxIdBytes),
                      user = StringField(ev, "user", kSlackMaxIdBytes),
                      channel = StringField(ev, "channel", kSlackMaxIdBytes),
                      channel_type = StringField(ev, "channel_type", kSlackMaxIdBytes),
                      ts = StringField(ev, "ts", kSlackMaxIdBytes),
                      thread_ts = StringField(ev, "thread_ts", kSlackMaxIdBytes),
                      text = StringField(ev, "text");
  for (const auto* r : {&type, &bot_id, &subtype, &user, &channel, &channel_type, &ts, &thread_ts, &text})
    if (!r->ok()) return Status::Invalid("event: " + r->status().message());

  bool mention = *type == "app_mention";
  if (!mention && *type != "message") return Ignored("event type " + Quote(*type));
  if (!bot_id->empty()) return Ignored("from a bot");
  if (!subtype->empty() && *subtype != "thread_broadcast" && *subtype != "file_share")
    return Ignored("message subtype " + Quote(*subtype));
  if (!mention && *channel_type != "im")
    return Ignored("a message outside a direct message, without a mention");
  std::string bot_user = BotUserId(envelope);
  if (user->empty()) return Ignored("no user");
  if (*user == bot_user) return Ignored("our own message");
  if (channel->empty()) return Ignored("no channel");

  SlackInbound in;
  in.kind = SlackInbound::kMessage;
  in.dedupe_key = "slack:event:" + *team + ":" + *event_id;
  in.channel = *channel;
  in.thread_ts = !thread_ts->empty() ? *thread_ts : mention ? *ts : "";
  InboundMessage& m = in.message;
  m.channel = Channel::kSlack;
  m.user = *user;
  m.chat = *channel;
  m.text = CommandText(*text, bot_user, mention);
  m.dedupe_key = in.dedupe_key;
  m.reply_via_outbox = true;
  m.reply_platform = "slack";
  m.reply_channel = in.channel;
  m.reply_thread = in.thread_ts;
  m.answer_within_ms = kSlackAnswerWithinMs;
  return in;
}

// The slash-command fields opsbot reads; the rest (token, team_id, channel_name, ...) are not used.
struct CommandFields {
  std::optional<std::string> ssl_check, payload, user_id, user_name, channel_id, text, command, response_url,
      trigger_id;
};
const std::pair<std::string_view, std::optional<std::string> CommandFields::*> kCommandFields[] = {
    {"ssl_check", &CommandFields::ssl_check},   {"payload", &CommandFields::payload},
    {"user_id", &CommandFields::user_id},       {"user_name", &CommandFields::user_name},
    {"channel_id", &CommandFields::channel_id}, {"text", &CommandFields::text},
    {"command", &CommandFields::command},       {"response_url", &CommandFields::response_url},
    {"trigger_id", &CommandFields::trigger_id},
};

}  // namespace

Result<SlackInbound> ParseSlackEvent(std::string_view json_body) {
  auto parsed = ParseJsonObject(json_body);
  if (!parsed.ok()) return parsed.status();
  const json& envelope = *parsed;
  auto type = StringField(envelope, "type", kSlackMaxIdBytes);
  if (!type.ok()) return type.status();
  if (type->empty()) return Status::Invalid("no envelope 'type'");
  if (*type == "url_verification") {
    auto challenge = StringField(envelope, "challenge", kMaxChallengeBytes);
    if (!challenge.ok()) return challenge.status();
    if (challenge->empty()) return Status::Invalid("url_verification without a challenge");
    SlackInbound in;
    in.kind = SlackInbound::kUrlVerification;
    in.challenge = std::move(*challenge);
    return in;
  }
  if (*type != "event_callback") return Ignored("envelope type " + Quote(*type));
  return ParseEventCallback(envelope);
}

Result<SlackInbound> ParseSlackCommand(std::string_view form_body) {
  auto pairs = ParseFormUrlEncoded(form_body);
  if (!pairs.ok()) return pairs.status();
  CommandFields f;
  for (auto& [name, value] : *pairs) {
    for (const auto& [field_name, member] : kCommandFields) {
      if (name != field_name) continue;
      if (f.*member) return Status::Invalid("field '" + name + "' given twice");
      if (!IsValidUtf8(value)) return Status::Invalid("field '" + name + "' is not UTF-8");
      f.*member = std::move(value);
    }
  }
  if (f.ssl_check.value_or("") == "1") {
    SlackInbound in;
    in.kind = SlackInbound::kSslCheck;
    return in;
  }
  if (f.payload) return Ignored("an interactivity payload");
  std::string user = f.user_id.value_or(""), channel = f.channel_id.value_or(""),
              trigger = f.trigger_id.value_or("");
  if (user.empty() || channel.empty()) return Status::Invalid("a slash command needs user_id and channel_id");
  if (trigger.empty()) return Status::Invalid("a slash command needs a trigger_id");
  if (user.size() > kSlackMaxIdBytes || channel.size() > kSlackMaxIdBytes ||
      trigger.size() > kSlackMaxIdBytes)
    return Status::Invalid("an id is too long");

  SlackInbound in;
  in.kind = SlackInbound::kMessage;
  in.dedupe_key = "slack:trigger:" + trigger;
  in.channel = channel;
  in.response_url = f.response_url.value_or("");
  in.command = f.command.value_or("");
  InboundMessage& m = in.message;
  m.channel = Channel::kSlack;
  m.user = user;
  m.user_name = f.user_name.value_or("");
  m.chat = channel;
  m.text = TrimAscii(DecodeSlackText(f.text.value_or("")));
  m.dedupe_key = in.dedupe_key;
  m.reply_platform = "slack";
  m.reply_channel = channel;
  m.reply_url = in.response_url;
  m.answer_within_ms = kSlackAnswerWithinMs;
  return in;
}

}  // namespace opsbot
