// What DingTalk's enterprise app robot POSTs to /dingtalk/callback (HTTP receive mode), parsed. Call it only
// after VerifyDingTalkSignature accepted the headers. See shared/protocols.md §2.1–§2.2.
//
// Errors (kInvalidArgument) are for bodies that are not what DingTalk sends (not a JSON object, or one
// nested deeper than JsonDom::kMaxDepth; no msgId,
// conversationType or conversationId, no sender, a field of the wrong type, an id over 256 bytes, text
// over 16 KiB); the route answers them 400. Anything well-formed opsbot does not act on (a picture, a
// rich-text message, an empty text) is kIgnored with a reason, answered 200. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.h"
#include "bot/message.h"
#include "bot/status.h"

namespace opsbot {

struct DingTalkInbound {
  enum Kind { kMessage, kIgnored };
  Kind kind = kIgnored;
  std::string ignore_reason;  // kIgnored
  std::string msg_id;         // "dingtalk:msg:<msgId>" is message.dedupe_key
  std::string robot_code;     // must equal the app's key (checked by the route)
  bool group = false;         // conversationType "2"; "1" is a 1:1 chat
  std::string conversation_id;
  // Where a reply to this message may go until it expires (epoch ms): no token needed, and it can @ people.
  std::string session_webhook;
  EpochMillis session_webhook_expires = 0;
  std::vector<std::string> at_staff_ids;  // people @-mentioned (the robot excluded), in order
  // kMessage: channel kDingTalk; user = senderStaffId (senderId for someone outside the corp); user_name =
  // senderNick; chat = conversationId in a group, empty in a 1:1 chat; text = text.content trimmed, each
  // "@Nick" the mention picker put there rewritten as "@<staffId>" (in order of atUsers), so commands
  // resolve the person by their DingTalk id; dedupe_key; platform_language Chinese.
  InboundMessage message;
};

Result<DingTalkInbound> ParseDingTalkCallback(std::string_view json_body);

}  // namespace opsbot
