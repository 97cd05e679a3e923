// The WeCom (企业微信) HTTP routes (shared/protocols.md §3.1–§3.2):
//   GET/POST /wecom/callback      the self-built app (1:1 messages): encrypted XML, receive id = corp id;
//   GET/POST /wecom/bot/callback  the smart bot (group @-messages and its 1:1 chat): encrypted JSON, receive
//   id "".
//
// Order, before anything reads the message: the query's msg_signature over (token, timestamp, nonce, the
// ciphertext), and the signed timestamp within an hour of now → 401; the ciphertext opens with the
// EncodingAESKey, with the right receive id → else 400.
// The query is decoded once, with '+' kept as '+' (§5.15).
// GET answers the decrypted echostr as the bare body (WeCom wants it within 1 s). POST hands the message to
// the Router with its reply through the outbox (the app: message/send to the sender; the smart bot: its
// response_url, then the group's robot), and answers 200 with an empty body — final for WeCom, never retried
// — within 4 s (WeCom gives up at 5 s and sends again); a slower command replies late. Redeliveries are
// dropped by MsgId / msgid (the dedupe key, unique in the command's transaction). A 503 (store failure) makes
// WeCom retry. A part switched off (its secrets unset) answers 404.
#pragma once

#include <functional>

#include "bot/clock.h"
#include "bot/config.h"
#include "bot/http_server.h"
#include "bot/message.h"
#include "bot/reply.h"

namespace opsbot {

struct WeComRouteDeps {
  std::function<WeComConfig()> config;                 // the current section (a reload rotates the secrets)
  std::function<Reply(const InboundMessage&)> handle;  // the Router
  const Clock& clock;
};

void RegisterWeComRoutes(HttpServer& server, WeComRouteDeps deps);

}  // namespace opsbot
