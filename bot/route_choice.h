// Route choice and failover for one outbox message: which of the routes its Sender offers
// (Sender::Routes) it takes, by the send budgets of their lanes (bot/send_budget.h), and what one send's
// outcome does to the lane and to the message. The OutboxWorker holds the budgets and writes what these
// decide; it does the sending, the storing and the logging.
//
//   choice      the usable route of the lowest tier, then the most tokens left: a chat's robots (one tier)
//               share the load; none usable: the message waits, uncounted, until NextUsable.
//   delivered   the lane's failures are forgiven; the destination sends again after its pace, and, once the
//               lane has spent its burst, no sooner than the tier's lanes' rates together allow, so that the
//               robots take turns at even gaps.
//   failed      a "too fast" blocks the lane (Retry-After, else rate_limited_wait_ms) and is not counted
//               towards max_attempts; any other failure of a message with other routes blocks the lane for
//               a backoff of the lane's own failures in a row. The message then goes by another route (at
//               once and uncounted when one is usable now; counted when it was refused: a message every
//               route refuses dies after one try per route), waits for a route while throttled, dies
//               (give-up, the last attempt), or is retried after max(Retry-After or the too-fast wait,
//               backoff with jitter).
//
// Invariants: a route is only chosen when its lane is usable (SendBudgets::Usable), so no lane sends past
// its budget; a send that may have reached the platform (maybe_delivered) is never handed to another route
// straight away: it is counted and backs off like any failure of the message. Threads: plain functions over a
// SendBudgets, which has one owner (the worker's runner thread). Units: epoch milliseconds; backoffs in
// milliseconds.
#pragma once

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/outbound.h"
#include "bot/send_budget.h"

namespace opsbot {

// How failed sends are retried (a part of OutboxWorker::Options).
struct RetryPolicy {
  int max_attempts = 8;
  long backoff_base_ms = 1000;
  long backoff_max_ms = 300000;
  long rate_limited_wait_ms = 60000;  // after a DeliveryResult::rate_limited with no retry_after_ms
  double jitter = 0.2;                // the backoff is multiplied by a factor in [1 - jitter, 1 + jitter]
};

// The backoff before the next try after `attempts` failures (1 = the first), with jitter drawn from `u` in
// [-1, 1]: min(backoff_max, base * 2^(attempts-1)) * (1 + jitter * u).
long BackoffMs(const RetryPolicy& policy, int attempts, double u);

// The best of `routes` usable at `now` (lowest tier, then most tokens; the first of equals); nullopt when
// none is.
std::optional<std::size_t> ChooseRoute(const SendBudgets& budgets, const std::vector<SendRoute>& routes,
                                       EpochMillis now);

// The earliest time ≥ now at which one of `routes` other than `except` (may be null; compared by lane, via
// and id) is usable; the largest EpochMillis when there is none.
EpochMillis NextUsable(const SendBudgets& budgets, const std::vector<SendRoute>& routes,
                       const SendRoute* except, EpochMillis now);

// A send on `route` (one of `routes`; an empty lane: no route) was delivered at `finished`: forgives the
// lane's failures, and returns when the destination may send again: finished + pace_ms + 1 (the clock's
// whole milliseconds), and when the lane has less than a token left, no sooner than finished +
// 1 / (the rates of the distinct lanes of the route's tier together) + 1, if there are several.
EpochMillis Delivered(SendBudgets& budgets, const std::vector<SendRoute>& routes, const SendRoute& route,
                      EpochMillis finished, long pace_ms);

// One send that did not deliver.
struct FailedSend {
  const std::vector<SendRoute>& routes;  // what the Sender offered
  const SendRoute& route;                // the one taken (an empty lane: none)
  const DeliveryResult& result;          // its kind is not kDelivered
  std::string error;                     // what to record on the lane (the result's error, or its kind)
  int attempts = 0;                      // the message's counted attempts before this one
  EpochMillis finished = 0;              // when the send ended
};

// What becomes of the message after a FailedSend.
struct Failover {
  enum class Next {
    kOtherRoute,     // refused by this route: another one tries it (counted), at due_at
    kThrottled,      // the lane is throttled: the next route to have budget, or this one again (uncounted)
    kOtherRouteNow,  // failed here, and another route is usable at once (uncounted), due_at = finished
    kRetry,          // after max(Retry-After or the too-fast wait, backoff), and no route usable before
    kDead,           // given up, or the last of max_attempts
  };
  Next next = Next::kRetry;
  int attempts = 0;        // the message's counted attempts now
  EpochMillis due_at = 0;  // when it is tried again (not for kDead)
};

// Blocks the route's lane as the failure calls for (see above) and decides what becomes of the message.
// `rng` is drawn from for the backoffs' jitter.
Failover AfterFailedSend(SendBudgets& budgets, const RetryPolicy& policy, const FailedSend& send,
                         std::mt19937& rng);

}  // namespace opsbot
