// What Slack sends to opsbot, parsed: the Events API JSON (POST /slack/events) and slash-command forms
// (POST /slack/commands). Call these only after VerifySlackSignature accepted the raw body.
//
// Errors (kInvalidArgument) are for bodies that are not what Slack sends (not JSON, no event_id, a bad
// %-escape, invalid UTF-8, a missing trigger_id); the route answers them 400. Anything well-formed that
// opsbot does not act on (a bot's message, an edit, an event type it does not handle) is kIgnored with a
// reason, and the route answers 200 so Slack does not retry. Pure functions; thread-safe.
// See shared/protocols.md §1.1 and §5.
#pragma once

#include <string>
#include <string_view>

#include "bot/message.h"
#include "bot/status.h"

namespace opsbot {

// Slack wants every request answered within 3 s; opsbot's own answer must be ready within this, leaving
// the rest for the network and nginx. A command that has not committed by then answers Outcome::kLate and
// its reply goes through the outbox (InboundMessage::answer_within_ms).
constexpr int kSlackAnswerWithinMs = 2500;

struct SlackInbound {
  enum Kind {
    kUrlVerification,  // answer 200 {"challenge": challenge}
    kSslCheck,         // answer 200 with an empty body
    kMessage,          // hand `message` to the Router
    kIgnored,          // answer 200, do nothing (ignore_reason says why, for a debug log)
  };
  Kind kind = kIgnored;
  std::string challenge;  // kUrlVerification
  // kMessage: "slack:event:<team_id>:<event_id>" (Events API; a redelivery carries the same event_id) or
  // "slack:trigger:<trigger_id>" (slash command). Also in message.dedupe_key.
  std::string dedupe_key;
  // kMessage: channel kSlack, user = Slack user id (U…/W…), chat = Slack channel id (C…/G…/D…, direct
  // messages too), text with the bot's own mention removed and Slack markup decoded (other user mentions
  // as "@U123", see DecodeSlackText). Events also set reply_via_outbox with reply_platform "slack",
  // reply_channel = channel and reply_thread = thread_ts (an event's HTTP response cannot carry a reply).
  // Slash commands set reply_platform, reply_channel and reply_url = response_url, for a late reply. Both
  // set answer_within_ms = kSlackAnswerWithinMs.
  InboundMessage message;
  std::string channel;  // the Slack channel id to answer in
  // The ts to answer under: for an app_mention, the thread it was posted in, else the mention itself (the
  // answer starts a thread under the message that asked); for a direct message, its thread only if the
  // user wrote in one (a DM answers in the conversation). Empty for slash commands.
  std::string thread_ts;
  std::string response_url;   // slash commands: where a late answer may go (5 times within 30 min)
  std::string command;        // slash commands: the command as typed, e.g. "/ops"
  std::string ignore_reason;  // kIgnored
};

// The Events API envelope: url_verification, or event_callback with an inner `event` of type app_mention
// (in channels) or message with channel_type "im" (direct messages). Ignored: messages carrying bot_id,
// messages with a subtype (bot_message, message_changed, message_deleted, channel_join, ... — except
// thread_broadcast and file_share, which a person wrote), messages from the app's own bot user
// (authorizations[0].user_id; else authed_users when it names exactly one user), other event types and
// envelope types. The bot's own mention (`<@UBOT>` or `<@UBOT|name>`, its first occurrence) is removed
// from the text; when the bot's id is not in the envelope, an app_mention loses its first user mention.
Result<SlackInbound> ParseSlackEvent(std::string_view json_body);

// A slash command (application/x-www-form-urlencoded): `ssl_check=1` → kSslCheck; an interactivity
// `payload` → kIgnored; else the fields user_id, channel_id and trigger_id are required (a field given twice
// is an error), text (may be empty; markup decoded, nothing stripped), user_name, command, response_url.
Result<SlackInbound> ParseSlackCommand(std::string_view form_body);

}  // namespace opsbot
