// What WeCom (企业微信) POSTs to opsbot, parsed: the encrypted envelopes, and the messages inside them once
// WeComDecrypt has opened them (shared/protocols.md §3.1–§3.2). Call the message parsers only on plaintext
// that came out of a verified, decrypted envelope.
//
// Errors (kInvalidArgument) are for input that is not what WeCom sends (not XML/JSON, no Encrypt, no MsgId or
// sender, an id over 256 bytes, text over 16 KiB); the route answers them 400. Anything well-formed opsbot
// does not act on (an event, a picture, an empty text) is kIgnored with a reason, answered 200. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/message.h"
#include "bot/status.h"

namespace opsbot {

// The app's POST body, <xml><ToUserName/><Encrypt>BASE64</Encrypt><AgentID/></xml>: the Encrypt text.
Result<std::string> WeComXmlEnvelope(std::string_view body);
// The smart bot's POST body, {"encrypt":"BASE64"}: the encrypt text.
Result<std::string> WeComJsonEnvelope(std::string_view body);

struct WeComInbound {
  enum Kind { kMessage, kIgnored };
  Kind kind = kIgnored;
  std::string ignore_reason;  // kIgnored
  std::string msg_id;
  bool group = false;        // the smart bot in a group chat
  std::string chat_id;       // the smart bot's chatid (group)
  std::string response_url;  // the smart bot's one-use reply URL (an hour); empty for the app
  // kMessage: channel kWeCom; user = the sender's userid; chat = chatid in a group, empty 1:1; text trimmed,
  // with the smart bot's own leading "@name" removed; dedupe_key "wecom:msg:<MsgId>" (app) or
  // "wecom:bot:<msgid>" (smart bot); platform_language Chinese.
  InboundMessage message;
};

// The app's decrypted XML: ToUserName, FromUserName, CreateTime, MsgType, Content, MsgId, AgentID.
Result<WeComInbound> ParseWeComAppMessage(std::string_view xml);
// The smart bot's decrypted JSON: msgid, aibotid, chatid, chattype, from.userid, response_url, msgtype,
// text.content.
Result<WeComInbound> ParseWeComBotMessage(std::string_view json);

}  // namespace opsbot
