// DingTalkSender: delivers outbox messages to DingTalk (shared/protocols.md §2.3–§2.4).
//
// Routes, per message (Routes; the OutboxWorker picks one by its send budget, in tier order):
//   tier 0 "session": the sessionWebhook of the message that asked (response_url) while it has not expired:
//      markdown that can @ people — `at.atUserIds` plus "@<staffId>" in the text, for each mentioned person
//      with a DingTalk id. No token. Only URLs the route allow-listed get here (the body is unsigned). A
//      refusal falls through to the OpenAPI in the same send (the same lane).
//   tier 1 "robot": each of a group's custom robots (robots_for), when the message @-mentions someone or
//      the app is off (else tier 3: overflow once the app's budget in the chat is spent): the same markdown
//      with `at`, to oapi_base/robot/send?access_token=..., with &timestamp=..&sign=.. rebuilt for each send
//      when the robot has a secret (shared/protocols.md §5.14). Each robot is its own lane
//      ("dingtalk:robot:<LaneIdOf(token)>", limit dingtalk_robot).
//   tier 2 "openapi": the app robot's OpenAPI: an access token (POST /v1.0/oauth2/accessToken, cached until
//      5 min before it expires, dropped on an auth error), then robot/groupMessages/send for a group
//      (channel "group:<openConversationId>") or robot/oToMessages/batchSend for a person ("user:<staffId>"),
//      msgKey sampleMarkdown. These cannot @ anyone: people are named in plain text, so a ping takes this
//      route only when it has no other.
//   The session and the OpenAPI of one conversation are one lane ("dingtalk:app:<channel>", limit
//   dingtalk_app_chat): the same app robot speaking in the same chat.
// Classification: errcode 0 (or HTTP 200 from the OpenAPI) → delivered; 130101 "send too fast", -1 "busy",
//   HTTP 429/5xx, a transport failure → retry (rate_limited after a 130101: DingTalk throttles for a minute);
//   an auth failure (HTTP 401/403, InvalidAuthentication) → reauth; 460101 "too long", 310000 and any other
//   errcode or 4xx → give up. An expired sessionWebhook falls back to the OpenAPI at once.
// Thread-safe; every call bounded by the timeouts. Secrets are never logged.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bot/clock.h"
#include "bot/config.h"
#include "bot/outbound.h"
#include "bot/reply_split.h"
#include "bot/status.h"

namespace opsbot {

struct DingTalkSenderOptions {
  std::string api_base = "https://api.dingtalk.com";
  std::function<std::string()> app_key;     // read at each call: a reload rotates it
  std::function<std::string()> app_secret;  // secret: never logged
  // Person key → DingTalk staff id, for @-mentions; may be empty.
  std::function<std::string(const std::string& person_key)> dingtalk_id_of;
  // A group's openConversationId → its custom robots (none: empty). May be empty.
  std::function<std::vector<DingTalkRobot>(const std::string& conversation_id)> robots_for;
  std::string oapi_base = "https://oapi.dingtalk.com";
  const Clock* clock = nullptr;
  int timeout_ms = 5000;
  std::string ca_cert_file = "/etc/ssl/certs/ca-certificates.crt";
};

// DingTalk refuses a message body over 20,000 bytes (errcode 460101); the text of one message stays under
// this, leaving room for the JSON around it and the "@<userid>" a ping adds.
constexpr std::size_t kDingTalkTextBytes = 18000;

// `reply` as one Reply per DingTalk message (SplitReplyBytes at kDingTalkTextBytes).
inline std::vector<Reply> SplitDingTalkReply(const Reply& reply) {
  return SplitReplyBytes(reply, kDingTalkTextBytes);
}

class DingTalkSender final : public Sender {
 public:
  explicit DingTalkSender(DingTalkSenderOptions options) : o_(std::move(options)) {}
  std::vector<SendRoute> Routes(const OutboundMessage& message) override;
  using Sender::Send;
  DeliveryResult Send(const OutboundMessage& message, const SendRoute& route) override;

 private:
  // Markdown with `at` to a sessionWebhook or a custom robot's URL.
  DeliveryResult PostWebhook(const std::string& url, const OutboundMessage& message);
  DeliveryResult PostOpenApi(const OutboundMessage& message);
  DeliveryResult PostRobot(const OutboundMessage& message, const std::string& robot_id);
  // The sessionWebhook is still usable at `now` (set, and not within a minute of its expiry).
  static bool SessionUsable(const OutboundMessage& message, EpochMillis now);
  Result<std::string> AccessToken();
  std::unique_ptr<httplib::Client> Client(const std::string& scheme_host_port) const;

  DingTalkSenderOptions o_;
  std::mutex mu_;
  std::string token_;            // guarded by mu_
  EpochMillis token_until_ = 0;  // guarded by mu_
};

}  // namespace opsbot
