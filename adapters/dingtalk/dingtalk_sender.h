// DingTalkSender: delivers outbox messages to DingTalk (shared/protocols.md §2.3–§2.4).
//
// Route, per message:
//   1. response_url (the sessionWebhook of the message that asked) while it has not expired: a markdown
//      message that can @ people — `at.atUserIds` plus "@<staffId>" in the text, for each mentioned person
//      with a DingTalk id. No token. Only URLs the route allow-listed get here (the body is unsigned).
//   2. A group's custom robot (robot_for), when the message @-mentions someone or the app is off: the same
//      markdown with `at`, to oapi_base/robot/send?access_token=..., with &timestamp=..&sign=.. rebuilt for
//      each send when the robot has a secret (shared/protocols.md §5.14).
//   3. Otherwise the app robot's OpenAPI: an access token (POST /v1.0/oauth2/accessToken, cached until 5 min
//      before it expires, dropped on an auth error), then robot/groupMessages/send for a group
//      (channel "group:<openConversationId>") or robot/oToMessages/batchSend for a person ("user:<staffId>"),
//      msgKey sampleMarkdown. These cannot @ anyone: people are named in plain text.
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
  // A group's openConversationId → its custom robot; nullopt when it has none. May be empty.
  std::function<std::optional<DingTalkRobot>(const std::string& conversation_id)> robot_for;
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
  DeliveryResult Send(const OutboundMessage& message) override;

 private:
  // Markdown with `at` to a sessionWebhook or a custom robot's URL.
  DeliveryResult PostWebhook(const std::string& url, const OutboundMessage& message);
  DeliveryResult PostOpenApi(const OutboundMessage& message);
  Result<std::string> AccessToken();
  std::unique_ptr<httplib::Client> Client(const std::string& scheme_host_port) const;

  DingTalkSenderOptions o_;
  std::mutex mu_;
  std::string token_;            // guarded by mu_
  EpochMillis token_until_ = 0;  // guarded by mu_
};

}  // namespace opsbot
