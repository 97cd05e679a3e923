#include "bot/route_choice.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace opsbot {

long BackoffMs(const RetryPolicy& policy, int attempts, double u) {
  double exp = std::ldexp(static_cast<double>(policy.backoff_base_ms), std::clamp(attempts - 1, 0, 40));
  double base = std::min(static_cast<double>(policy.backoff_max_ms), exp);
  return std::max(0L, std::lround(base * (1.0 + policy.jitter * std::clamp(u, -1.0, 1.0))));
}

std::optional<std::size_t> ChooseRoute(const SendBudgets& budgets, const std::vector<SendRoute>& routes,
                                       EpochMillis now) {
  std::optional<std::size_t> best;
  double best_tokens = 0;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const SendRoute& r = routes[i];
    if (!budgets.Usable(r.lane, r.limit, now)) continue;
    double tokens = budgets.Tokens(r.lane, r.limit, now);
    if (!best || r.tier < routes[*best].tier || (r.tier == routes[*best].tier && tokens > best_tokens)) {
      best = i;
      best_tokens = tokens;
    }
  }
  return best;
}

EpochMillis NextUsable(const SendBudgets& budgets, const std::vector<SendRoute>& routes,
                       const SendRoute* except, EpochMillis now) {
  EpochMillis next = std::numeric_limits<EpochMillis>::max();
  for (const SendRoute& r : routes) {
    if (except && r.lane == except->lane && r.via == except->via && r.id == except->id) continue;
    next = std::min(next, budgets.UsableAt(r.lane, r.limit, now));
  }
  return next;
}

EpochMillis Delivered(SendBudgets& budgets, const std::vector<SendRoute>& routes, const SendRoute& route,
                      EpochMillis finished, long pace_ms) {
  const std::string& lane = route.lane;
  if (!lane.empty()) budgets.Succeeded(lane);
  // Counted from the answer, so the platform never sees two messages closer than the pace; +1 ms for the
  // clock's whole milliseconds (a send finished at 10.9 ms reads 10).
  EpochMillis when = finished + pace_ms + 1;
  // Past its burst, a chat with several robots sends every 1 / (their rates together): the robots then take
  // turns at even gaps, instead of the first to get a token carrying everything and the others only what
  // came in the next instant.
  if (!lane.empty() && budgets.Tokens(lane, route.limit, finished) < 1.0) {
    double rate = 0;
    std::vector<std::string> lanes;
    for (const SendRoute& r : routes) {
      auto limit = budgets.limits().find(r.limit);
      if (r.tier != route.tier || limit == budgets.limits().end()) continue;
      if (std::find(lanes.begin(), lanes.end(), r.lane) != lanes.end()) continue;
      lanes.push_back(r.lane);
      rate += limit->second.RatePerMs();
    }
    if (lanes.size() > 1 && rate > 0)
      when = std::max(when, finished + static_cast<EpochMillis>(1.0 / rate) + 1);
  }
  return when;
}

Failover AfterFailedSend(SendBudgets& budgets, const RetryPolicy& policy, const FailedSend& send,
                         std::mt19937& rng) {
  const DeliveryResult& result = send.result;
  const std::string& lane = send.route.lane;
  const EpochMillis finished = send.finished;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Failover f;
  // A "too fast" is the platform's throttle, not a failure of the message: it does not count towards
  // max_attempts (DingTalk blocks a robot for 10 minutes, longer than the backoffs add up to).
  f.attempts = send.attempts + (result.rate_limited ? 0 : 1);
  // The lane is throttled, or (when the message could go another way) failing: route around it.
  const bool other_routes = send.routes.size() > 1;
  if (!lane.empty() && result.rate_limited) {
    long told = result.retry_after_ms.value_or(0);
    budgets.Block(lane, finished + (told > 0 ? told : policy.rate_limited_wait_ms), send.error);
  } else if (!lane.empty() && other_routes) {
    // Failing, or refusing (the message's fault, e.g. too long, or the route's, e.g. a revoked robot key:
    // the message then tries each other route once): the lane is set aside for a backoff that grows with
    // its failures in a row, until it delivers again.
    int failures = budgets.Failed(lane, finished, send.error);
    budgets.Block(lane, finished + BackoffMs(policy, failures, u(rng)), send.error);
  }
  const bool give_up = result.kind == DeliveryResult::Kind::kGiveUp;
  if (other_routes && give_up && !result.maybe_delivered &&
      f.attempts < std::min<int>(policy.max_attempts, static_cast<int>(send.routes.size()))) {
    f.next = Failover::Next::kOtherRoute;  // counted: a message every route refuses dies
    f.due_at = std::max(finished, NextUsable(budgets, send.routes, &send.route, finished));
    return f;
  }
  if (other_routes && result.rate_limited && !result.maybe_delivered) {
    f.next = Failover::Next::kThrottled;  // uncounted: the next route to have budget (or this one again)
    f.due_at = NextUsable(budgets, send.routes, nullptr, finished);
    return f;
  }
  if (other_routes && !give_up && !result.maybe_delivered &&
      NextUsable(budgets, send.routes, &send.route, finished) <= finished) {
    f.next = Failover::Next::kOtherRouteNow;
    f.attempts = send.attempts;  // another route takes it at once: not the message's failure
    f.due_at = finished;
    return f;
  }
  if (give_up || f.attempts >= policy.max_attempts) {
    f.next = Failover::Next::kDead;
    return f;
  }
  long told = result.retry_after_ms.value_or(result.rate_limited ? policy.rate_limited_wait_ms : 0);
  long wait = std::max(told, BackoffMs(policy, f.attempts, u(rng)));
  f.next = Failover::Next::kRetry;
  f.due_at = finished + wait;
  if (other_routes) f.due_at = std::max(f.due_at, NextUsable(budgets, send.routes, nullptr, finished));
  return f;
}

}  // namespace opsbot
