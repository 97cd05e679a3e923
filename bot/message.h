// InboundMessage: one chat message addressed to opsbot, as any adapter hands it to the Router.
#pragma once

#include <optional>
#include <string>

#include "bot/clock.h"
#include "bot/lang.h"
#include "bot/role.h"

namespace opsbot {

// Where a message came from. Each platform names its people and chats by its own handles.
enum class Channel { kConsole, kApi, kSlack, kDingTalk, kWeCom, kSystem };

inline const char* ChannelName(Channel c) {
  switch (c) {
    case Channel::kConsole:
      return "console";
    case Channel::kApi:
      return "api";
    case Channel::kSlack:
      return "slack";
    case Channel::kDingTalk:
      return "dingtalk";
    case Channel::kWeCom:
      return "wecom";
    case Channel::kSystem:
      return "system";
  }
  return "unknown";
}

struct InboundMessage {
  Channel channel = Channel::kConsole;
  std::string integration;  // the API integration or robot that carried it; empty for none
  std::string user;         // the sender's handle on `channel` (console and api: the person's key)
  std::string user_name;    // the sender's handle or display name, if the platform gives one
  // What the platform says of a sender opsbot may not know yet (Slack: users.info), kept on their row
  // when one is made for them: their language and time zone (IANA). Empty when not known.
  std::optional<Lang> user_language;
  std::string user_timezone;
  // The language replies take on this platform when neither the person nor the chat has one set (DingTalk
  // and WeCom: Chinese); empty: the configured default.
  std::optional<Lang> platform_language;
  std::string chat;  // the chat's handle on `channel`; empty for a direct message
  std::string text;  // the command text, with any mention of the bot itself removed
  // The highest role the carrier may act with: an integration speaks for the users it names only up to
  // its own role, as a chat platform does. The console is local and trusted.
  Role max_role = Role::kAdmin;
  // When set, the platform's id of this request (e.g. slack:event:T1:Ev2): stored, unique, in the same
  // transaction as what the command changed, so a redelivery or replay is dropped (Outcome::kDuplicate).
  std::string dedupe_key;
  // When set (with dedupe_key), a key this request may share with no other: DingTalk signs only a header
  // pair, so the pair may carry one message. Checked and stored in the same transaction; a pair already used
  // with another dedupe_key makes the outcome kReplayed, and nothing is done.
  std::string one_use_key;
  // When set, the reply does not go back in the HTTP response but through the outbox, to this platform
  // destination: enqueued in the same transaction as the command's change (a refusal's reply too).
  bool reply_via_outbox = false;
  std::string reply_platform;  // e.g. "slack"
  std::string reply_channel;   // the platform's chat id to answer in
  std::string reply_thread;    // the platform's thread to answer under; empty: none
  std::string
      reply_url;  // a URL for the reply (Slack's response_url, DingTalk's sessionWebhook); empty: none
  EpochMillis reply_url_expires = 0;  // when reply_url stops working (epoch ms); 0: not said
  // When > 0, the caller needs an answer within this time (Slack wants a slash command's HTTP answer
  // within 3 s). If the command has not committed by then, Handle returns Outcome::kLate at once and the
  // command goes on: its reply is queued in the outbox, in the command's own transaction, for
  // reply_platform / reply_channel / reply_url. Exactly one of the two carries the reply.
  int answer_within_ms = 0;
};

}  // namespace opsbot
