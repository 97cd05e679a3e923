#include "bot/send_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "bot/config_server_sections.h"

namespace opsbot {
namespace {

// The platform's view: no `count` messages of one lane in any window, whatever each send's latency.
TEST(SendBudgetTest, NoWindowEverSeesMoreThanTheLimitWhateverTheLatency) {
  for (int burst : {1, 5, 20}) {
    SendLimit limit{20, 6000, burst};
    SendBudgets budgets({{"robot", limit}});
    std::mt19937 rng(burst);
    std::uniform_int_distribution<EpochMillis> latency(0, 80);  // a tenth of the window's scale, as live
    std::vector<EpochMillis> seen;                              // when the platform saw each send
    EpochMillis now = 1000000;
    while (seen.size() < 400) {
      EpochMillis at = budgets.UsableAt("r1", "robot", now);
      ASSERT_GE(at, now);
      now = at;
      ASSERT_TRUE(budgets.Usable("r1", "robot", now));
      budgets.Take("r1", "robot", "dingtalk:group:x", now);
      EpochMillis finished = now + latency(rng);
      seen.push_back(std::uniform_int_distribution<EpochMillis>(now, finished)(rng));
      budgets.Finish("r1", finished);
      now = finished;
    }
    std::sort(seen.begin(), seen.end());
    for (std::size_t i = 0; i < seen.size(); ++i) {
      auto end = std::lower_bound(seen.begin(), seen.end(), seen[i] + limit.window_ms);
      EXPECT_LE(end - (seen.begin() + static_cast<std::ptrdiff_t>(i)), 20) << "burst " << burst;
    }
    // ...and it is used: over the long run close to the limit's rate.
    double per_window =
        400.0 * static_cast<double>(limit.window_ms) / static_cast<double>(seen.back() - seen.front());
    EXPECT_GT(per_window, 0.8 * (20 - burst + 1)) << "burst " << burst;
  }
}

TEST(SendBudgetTest, AQuietLaneSendsItsBurstAtOnceThenRefillsAtTheRestOfTheRate) {
  SendBudgets budgets({{"robot", {20, 60000, 5}}});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(budgets.Usable("r", "robot", 0)) << i;
    budgets.Take("r", "robot", "d", 0);
    budgets.Finish("r", 0);
  }
  EXPECT_FALSE(budgets.Usable("r", "robot", 0));
  // (20 - 5 + 1) tokens a minute: one every 3.75 s.
  EXPECT_EQ(budgets.UsableAt("r", "robot", 0), 3751);
  EXPECT_DOUBLE_EQ(budgets.Tokens("r", "robot", 60000), 5.0);  // capped at the burst
  EXPECT_TRUE(budgets.Usable("other", "robot", 0));            // lanes are separate
  EXPECT_TRUE(budgets.Usable("r", "unknown-limit", 0));        // no limit: unlimited
}

TEST(SendBudgetTest, ABlockedLaneWaitsAndItsStateRoundTripsThroughTheStore) {
  SendBudgets budgets({{"robot", {20, 60000, 5}}});
  budgets.Take("r", "robot", "d", 0);
  budgets.Finish("r", 10);
  budgets.Block("r", 600000, "errcode 130101");
  EXPECT_EQ(budgets.UsableAt("r", "robot", 100), 600000);
  EXPECT_EQ(budgets.Failed("r", 0, "http 502"), 1);
  auto dirty = budgets.TakeDirty();
  ASSERT_EQ(dirty.size(), 1u);
  EXPECT_EQ(dirty[0].destination, "d");
  EXPECT_TRUE(budgets.TakeDirty().empty());
  SendBudgets restored({{"robot", {20, 60000, 5}}});
  restored.Load(dirty, 100);
  EXPECT_EQ(restored.UsableAt("r", "robot", 100), 600000);
  EXPECT_DOUBLE_EQ(restored.Tokens("r", "robot", 10), 4.0);
}

TEST(SendBudgetTest, NewLimitsFromAReloadApplyAtOnceAndCapWhatALaneHolds) {
  SendBudgets budgets({{"robot", {20, 60000, 5}}});
  budgets.Take("r", "robot", "d", 0);
  budgets.Finish("r", 0);
  budgets.TakeDirty();
  EXPECT_DOUBLE_EQ(budgets.Tokens("r", "robot", 0), 4.0);
  budgets.SetLimits({{"robot", {20, 6000, 2}}});
  EXPECT_DOUBLE_EQ(budgets.Tokens("r", "robot", 0), 2.0);
  EXPECT_EQ(budgets.TakeDirty().size(), 1u);  // stored with the next outcomes
  EXPECT_EQ(budgets.UsableAt("r", "robot", 0), 0);
  budgets.SetLimits({{"robot", {20, 6000, 2}}});  // unchanged: nothing to store
  EXPECT_TRUE(budgets.TakeDirty().empty());
}

TEST(SendBudgetTest, TimesStoredAheadOfTheClockNeitherStallALaneNorGiveItCredit) {
  BudgetState ahead;
  ahead.key = "r";
  ahead.limit = "robot";
  ahead.tokens = 0;
  ahead.at = 10L * 365 * 24 * 3600 * 1000;  // a clock ten years ahead when it was stored
  ahead.blocked_until = ahead.at + 1000;
  SendBudgets budgets({{"robot", {20, 60000, 5}}});
  budgets.Load({ahead}, 0);
  EXPECT_EQ(budgets.UsableAt("r", "robot", 0), kMaxBlockMs);  // blocked an hour at most
  EXPECT_DOUBLE_EQ(budgets.Tokens("r", "robot", 0), 0.0);     // and no refill credit for the jump
  EXPECT_DOUBLE_EQ(budgets.Tokens("r", "robot", 3750), 1.0);
}

TEST(SendBudgetTest, LaneIdsHideTheKeyTheyAreMadeOf) {
  std::string id = LaneIdOf("robot-webhook-key-secret");
  EXPECT_EQ(id.size(), 8u);
  EXPECT_EQ(id, LaneIdOf("robot-webhook-key-secret"));
  EXPECT_NE(id, LaneIdOf("another-key"));
  EXPECT_EQ(std::string("robot-webhook-key-secret").find(id), std::string::npos);
}

TEST(SendBudgetTest, LimitsParseFromTheConfigAndBadOnesAreRefused) {
  auto l = ParseSendLimit("20 per 1m");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->count, 20);
  EXPECT_EQ(l->window_ms, 60000);
  EXPECT_EQ(l->burst, 5);
  l = ParseSendLimit("20 per 6s burst 20");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->window_ms, 6000);
  EXPECT_EQ(l->burst, 20);
  EXPECT_EQ(ParseSendLimit("1 per 1s")->burst, 1);
  for (const char* bad : {"", "20", "20 per", "20 a 1m", "0 per 1m", "20 per 0s", "20 per 1m burst 21",
                          "20 per 1m burst", "20 per 1m burst 5 extra", "x per 1m", "-3 per 1m"})
    EXPECT_FALSE(ParseSendLimit(bad)) << bad;
}

}  // namespace
}  // namespace opsbot
