// Tests for bot/route_choice.h: which route a message takes, and what a failed send does to the lane and to
// the message.
#include "bot/route_choice.h"

#include <gtest/gtest.h>

#include <limits>

namespace opsbot {
namespace {

constexpr EpochMillis kRouteNow = 1000000;
const SendLimit kRobot{20, 60000, 5};  // past the burst, a token every 3.75 s

SendRoute Robot(const std::string& id, int tier = 1) {
  return {"robot", id, "robot:" + id, "robot", tier};
}

// A send on `route` at `now` that ended `latency` ms later, as the worker brackets one.
void Send(SendBudgets& budgets, const SendRoute& route, EpochMillis now, EpochMillis latency = 0) {
  budgets.Take(route.lane, route.limit, "slack:A", now);
  budgets.Finish(route.lane, now + latency);
}

BudgetState Lane(SendBudgets& budgets, const std::string& key) {
  for (const BudgetState& s : budgets.TakeDirty())
    if (s.key == key) return s;
  ADD_FAILURE() << "lane " << key << " was not changed";
  return {};
}

DeliveryResult SendResult(DeliveryResult::Kind kind, bool rate_limited = false) {
  DeliveryResult r = Delivery(kind, "error");
  r.rate_limited = rate_limited;
  return r;
}

RetryPolicy NoJitter() {
  RetryPolicy p;
  p.max_attempts = 8;
  p.backoff_base_ms = 1000;
  p.backoff_max_ms = 300000;
  p.jitter = 0;
  p.rate_limited_wait_ms = 60000;
  return p;
}

TEST(ChooseRouteTest, LowestTierFirstThenMostTokensAndNoneWhenEveryLaneIsSpentOrBlocked) {
  SendBudgets budgets({{"robot", kRobot}});
  const std::vector<SendRoute> routes = {Robot("1", 2), Robot("2", 1), Robot("3", 1)};
  EXPECT_EQ(ChooseRoute(budgets, routes, kRouteNow), 1u);  // tier 1 before tier 2; the first of equals
  Send(budgets, routes[1], kRouteNow);
  EXPECT_EQ(ChooseRoute(budgets, routes, kRouteNow), 2u);  // robot 3 has more tokens left than robot 2
  Send(budgets, routes[2], kRouteNow);
  Send(budgets, routes[2], kRouteNow);
  EXPECT_EQ(ChooseRoute(budgets, routes, kRouteNow), 1u);  // now robot 2 has
  budgets.Block("robot:2", kRouteNow + 5000, "errcode 130101");
  EXPECT_EQ(ChooseRoute(budgets, routes, kRouteNow), 2u);  // robot 2 is blocked
  for (int i = 0; i < 3; ++i)
    Send(budgets, routes[2], kRouteNow);
  EXPECT_EQ(ChooseRoute(budgets, routes, kRouteNow), 0u);  // tier 1 is spent or blocked: tier 2 carries it
  for (int i = 0; i < 5; ++i)
    Send(budgets, routes[0], kRouteNow);
  EXPECT_FALSE(ChooseRoute(budgets, routes, kRouteNow));
  EXPECT_FALSE(ChooseRoute(budgets, {}, kRouteNow));
}

TEST(NextUsableTest, TheEarliestRouteOtherThanTheOneExceptedAndNeverWhenThereIsNone) {
  SendBudgets budgets({{"robot", kRobot}});
  const std::vector<SendRoute> routes = {Robot("1"), Robot("2")};
  Send(budgets, routes[0], kRouteNow);
  Send(budgets, routes[1], kRouteNow);
  budgets.Block("robot:1", kRouteNow + 5000, "");
  budgets.Block("robot:2", kRouteNow + 9000, "");
  EXPECT_EQ(NextUsable(budgets, routes, nullptr, kRouteNow), kRouteNow + 5000);
  EXPECT_EQ(NextUsable(budgets, routes, &routes[0], kRouteNow), kRouteNow + 9000);
  EXPECT_EQ(NextUsable(budgets, {routes[0]}, &routes[0], kRouteNow), std::numeric_limits<EpochMillis>::max());
  EXPECT_EQ(NextUsable(budgets, routes, nullptr, kRouteNow + 20000), kRouteNow + 20000);  // usable now: now
}

TEST(DeliveredTest, ThePaceWhileTheLaneHasTokensThenTheTiersRobotsTakeTurns) {
  SendBudgets budgets({{"robot", kRobot}});
  const std::vector<SendRoute> routes = {Robot("1"), Robot("2"), Robot("3", 2)};
  Send(budgets, routes[0], kRouteNow);
  EXPECT_EQ(Delivered(budgets, routes, routes[0], kRouteNow, 100), kRouteNow + 101);
  for (int i = 0; i < 4; ++i)
    Send(budgets, routes[0], kRouteNow);
  // Out of tokens: two lanes of tier 1 at 16 per minute each, one send every 60000 / 32 ms.
  EXPECT_EQ(Delivered(budgets, routes, routes[0], kRouteNow, 100), kRouteNow + 1875 + 1);
  EXPECT_EQ(Delivered(budgets, routes, routes[0], kRouteNow, 5000), kRouteNow + 5001);  // the pace is longer
  // One lane alone (a route of its own tier) has no one to take turns with.
  for (int i = 0; i < 5; ++i)
    Send(budgets, routes[2], kRouteNow);
  EXPECT_EQ(Delivered(budgets, routes, routes[2], kRouteNow, 100), kRouteNow + 101);
}

TEST(DeliveredTest, ForgivesTheLanesFailures) {
  SendBudgets budgets({{"robot", kRobot}});
  const std::vector<SendRoute> routes = {Robot("1"), Robot("2")};
  Send(budgets, routes[0], kRouteNow);
  budgets.Failed("robot:1", kRouteNow, "http 502");
  budgets.TakeDirty();
  Delivered(budgets, routes, routes[0], kRouteNow, 0);
  BudgetState s = Lane(budgets, "robot:1");
  EXPECT_EQ(s.failures, 0);
  EXPECT_EQ(s.last_error, "");
}

// Two robots of one tier, each of which has sent once at kRouteNow.
class AfterFailedSendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Send(budgets_, routes_[0], kRouteNow);
    Send(budgets_, routes_[1], kRouteNow);
  }

  Failover Fail(const std::vector<SendRoute>& routes, const SendRoute& route, const DeliveryResult& result,
                int attempts, EpochMillis finished) {
    return AfterFailedSend(budgets_, policy_, {routes, route, result, result.error, attempts, finished},
                           rng_);
  }

  SendBudgets budgets_{{{"robot", kRobot}}};
  RetryPolicy policy_ = NoJitter();
  std::mt19937 rng_{1};
  const std::vector<SendRoute> routes_ = {Robot("1"), Robot("2")};
};

TEST_F(AfterFailedSendTest, TooFastBlocksTheLaneUncountedAndWaitsForTheNextRouteWithBudget) {
  budgets_.Block("robot:2", kRouteNow + 7000, "http 502");
  const DeliveryResult too_fast = SendResult(DeliveryResult::Kind::kRetry, true);
  Failover f = Fail(routes_, routes_[0], too_fast, 3, kRouteNow + 10);
  EXPECT_EQ(f.next, Failover::Next::kThrottled);
  EXPECT_EQ(f.attempts, 3);
  EXPECT_EQ(f.due_at, kRouteNow + 7000);  // robot 2's block ends before robot 1's
  EXPECT_EQ(budgets_.UsableAt("robot:1", "robot", kRouteNow + 10), kRouteNow + 10 + 60000);

  // Alone, with Retry-After: the lane is blocked for what the platform said, the message waits as long.
  DeliveryResult told = too_fast;
  told.retry_after_ms = 20000;
  f = Fail({routes_[1]}, routes_[1], told, 3, kRouteNow + 10);
  EXPECT_EQ(f.next, Failover::Next::kRetry);
  EXPECT_EQ(f.attempts, 3);
  EXPECT_EQ(f.due_at, kRouteNow + 10 + 20000);
  EXPECT_EQ(budgets_.UsableAt("robot:2", "robot", kRouteNow + 10), kRouteNow + 10 + 20000);
}

TEST_F(AfterFailedSendTest, AFailureGoesAnotherWayAtOnceUncountedAndBacksTheLaneOff) {
  const DeliveryResult failed = SendResult(DeliveryResult::Kind::kRetry);
  Failover f = Fail(routes_, routes_[0], failed, 2, kRouteNow);
  EXPECT_EQ(f.next, Failover::Next::kOtherRouteNow);
  EXPECT_EQ(f.attempts, 2);
  EXPECT_EQ(f.due_at, kRouteNow);
  EXPECT_EQ(budgets_.UsableAt("robot:1", "robot", kRouteNow),
            kRouteNow + 1000);  // its first failure: the base backoff
  Fail(routes_, routes_[0], failed, 2, kRouteNow);
  EXPECT_EQ(budgets_.UsableAt("robot:1", "robot", kRouteNow),
            kRouteNow + 2000);  // failures in a row back off longer

  // One that may have arrived is not handed over at once: counted, and retried after the backoff.
  DeliveryResult maybe = failed;
  maybe.maybe_delivered = true;
  f = Fail(routes_, routes_[1], maybe, 2, kRouteNow);
  EXPECT_EQ(f.next, Failover::Next::kRetry);
  EXPECT_EQ(f.attempts, 3);
  EXPECT_EQ(f.due_at, kRouteNow + 4000);
}

TEST_F(AfterFailedSendTest, ARefusedMessageTriesEachRouteOnceThenDies) {
  budgets_.Block("robot:2", kRouteNow + 3000, "");
  const DeliveryResult refused = SendResult(DeliveryResult::Kind::kGiveUp);
  Failover f = Fail(routes_, routes_[0], refused, 0, kRouteNow);
  EXPECT_EQ(f.next, Failover::Next::kOtherRoute);
  EXPECT_EQ(f.attempts, 1);
  EXPECT_EQ(f.due_at, kRouteNow + 3000);  // when robot 2 may send
  f = Fail(routes_, routes_[1], refused, 1, kRouteNow + 3000);
  EXPECT_EQ(f.next, Failover::Next::kDead);
  EXPECT_EQ(f.attempts, 2);
  // A route alone: dead at once.
  EXPECT_EQ(Fail({routes_[0]}, routes_[0], refused, 0, kRouteNow).next, Failover::Next::kDead);
}

TEST_F(AfterFailedSendTest, ALoneRouteIsRetriedAfterTheBackoffUntilTheLastAttempt) {
  const DeliveryResult failed = SendResult(DeliveryResult::Kind::kReauth);
  Failover f = Fail({routes_[0]}, routes_[0], failed, 2, kRouteNow);
  EXPECT_EQ(f.next, Failover::Next::kRetry);
  EXPECT_EQ(f.attempts, 3);
  EXPECT_EQ(f.due_at, kRouteNow + 4000);
  EXPECT_EQ(budgets_.UsableAt("robot:1", "robot", kRouteNow),
            kRouteNow);  // a lone route's lane is not blocked
  f = Fail({routes_[0]}, routes_[0], failed, 7, kRouteNow);
  EXPECT_EQ(f.next, Failover::Next::kDead);
  EXPECT_EQ(f.attempts, 8);
}

TEST(BackoffTest, TheJitterStaysWithinItsBoundsAndTheMaximumHolds) {
  RetryPolicy p = NoJitter();
  p.jitter = 0.5;
  EXPECT_EQ(BackoffMs(p, 0, 0), 1000);  // as the first
  EXPECT_EQ(BackoffMs(p, 4, -1), 4000);
  EXPECT_EQ(BackoffMs(p, 4, 1), 12000);
  EXPECT_EQ(BackoffMs(p, 4, 7), 12000);  // u beyond [-1, 1] is clamped
  EXPECT_EQ(BackoffMs(p, 100, 0), 300000);
}

}  // namespace
}  // namespace opsbot
