// What leaves opsbot through the outbox: a platform-neutral message with its routing, and the contract of
// the platform senders that deliver it.
//
// An OutboundMessage is stored as JSON in the outbox row (ToJson/FromJson), in the same transaction as the
// state change that caused it, and delivered later by the OutboxWorker through the Sender of its platform.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/reply.h"

namespace opsbot {

struct OutboundMessage {
  std::string platform;      // "slack", "dingtalk", "wecom"
  std::string destination;   // pacing/order key, e.g. "slack:C0123"; usually platform + ":" + channel
  std::string channel;       // the platform's chat id (Slack channel ID, ...)
  std::string thread;        // the platform's thread to reply under (Slack thread_ts); empty: none
  std::string response_url;  // a reply URL the platform gave (Slack response_url, DingTalk sessionWebhook)
  EpochMillis response_url_expires = 0;  // when it stops working (epoch ms); 0: not said
  Reply reply;                           // text, mentions (person keys), language

  // The outbox row's payload: a JSON object FromJson reads back. Invalid UTF-8 in a text becomes U+FFFD.
  std::string ToJson() const;
  static std::optional<OutboundMessage> FromJson(const nlohmann::json& j);
};

// What one delivery attempt came to.
struct DeliveryResult {
  enum class Kind {
    kDelivered,  // the platform accepted it
    kRetry,      // a passing failure (timeout, 5xx, rate limit): try again after a backoff
    kReauth,     // the credentials were refused: refresh them, then try again (counts as an attempt)
    kGiveUp,     // it can never succeed as it is (unknown channel, bad payload): dead at once
  };
  Kind kind = Kind::kRetry;
  std::optional<long> retry_after_ms;  // the platform said when to come back (HTTP 429 Retry-After)
  // The platform said "too fast" without saying for how long (DingTalk 130101, WeCom 45009): the worker
  // waits its rate_limited_wait_ms (a minute by default) before the next try to this destination.
  bool rate_limited = false;
  std::string error;             // the platform's error code or the transport error, for logs and `outbox`
  bool maybe_delivered = false;  // the request may have reached the platform (a timeout after sending)
};

// What a Sender returns for one attempt: `error` is the platform's code or the transport's, never a secret.
inline DeliveryResult Delivery(DeliveryResult::Kind kind, std::string error, bool maybe_delivered = false) {
  DeliveryResult r;
  r.kind = kind;
  r.error = std::move(error);
  r.maybe_delivered = maybe_delivered;
  return r;
}

// One way a Sender can deliver a message — a robot, the app, a reply URL — and the send lane whose budget
// it spends (bot/send_budget.h).
struct SendRoute {
  std::string
      via;         // the Sender's name for the way: "robot", "openapi", "session", "app", "response_url", ...
  std::string id;  // which one, where a chat has several (a robot: LaneIdOf its key); else empty
  std::string lane;   // the budget key, e.g. "dingtalk:robot:1a2b3c4d"; one lane may serve several routes
  std::string limit;  // the SendLimit's name, e.g. "dingtalk_robot"; empty: unlimited
  int tier = 0;       // lower tiers are preferred; the routes of one tier share the load
};

// Delivers messages of one platform. Called from the OutboxWorker's threads; implementations are
// thread-safe and bound every call by a timeout.
class Sender {
 public:
  virtual ~Sender() = default;
  // The ways `message` can go now, without I/O (the OutboxWorker's thread). Empty: none (Send says why).
  virtual std::vector<SendRoute> Routes(const OutboundMessage& message) = 0;
  // Sends `message` by `route` (one of Routes(message), or an empty route when there were none).
  virtual DeliveryResult Send(const OutboundMessage& message, const SendRoute& route) = 0;
  // Sends by the first of Routes(message) (tools and tests; the OutboxWorker chooses by budget).
  DeliveryResult Send(const OutboundMessage& message) {
    std::vector<SendRoute> routes = Routes(message);
    return Send(message, routes.empty() ? SendRoute{} : routes.front());
  }
};

}  // namespace opsbot
