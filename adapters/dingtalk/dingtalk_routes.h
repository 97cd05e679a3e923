// The DingTalk HTTP route: POST /dingtalk/callback, the enterprise app robot's callback (HTTP mode).
//
// Order, before anything looks at the body: the timestamp and sign headers (VerifyDingTalkSignature, the
// configured window) → 401; then the body (ParseDingTalkCallback) → 400; the body's robotCode must be the
// app's key → 401. DingTalk signs only the timestamp, so each (timestamp, sign) pair is accepted for one
// msgId only: the same pair with another msgId → 401 (a captured header pair carrying another body); with
// the same msgId it is a redelivery, which the Router drops by its dedupe key. Both keys are stored in the
// command's own transaction (InboundMessage::one_use_key); a message opsbot ignores claims its pair alone.
// The reply goes through the outbox: to the message's sessionWebhook when it is on an allow-listed host (the
// body is unsigned: opsbot never posts to an arbitrary URL from it), else through the OpenAPI
// (DingTalkSender). Every answer within 2.5 s; a slow command replies late.
#pragma once

#include <functional>
#include <string>

#include "bot/clock.h"
#include "bot/config.h"
#include "bot/http_server.h"
#include "bot/message.h"
#include "bot/reply.h"
#include "bot/status.h"

namespace opsbot {

enum class SignatureUse { kFirst, kSameMessage, kOtherMessage };

struct DingTalkRouteDeps {
  std::function<DingTalkConfig()> config;              // the current section; !enabled: answers 404
  std::function<Reply(const InboundMessage&)> handle;  // the Router
  // For a message opsbot ignores: records that `pair` carried `dedupe_key`, unless it already carried one;
  // says which. A message opsbot acts on claims its pair in the command's transaction (one_use_key).
  std::function<Result<SignatureUse>(const std::string& pair, const std::string& dedupe_key)> claim;
  const Clock& clock;
};

void RegisterDingTalkRoutes(HttpServer& server, DingTalkRouteDeps deps);

}  // namespace opsbot
