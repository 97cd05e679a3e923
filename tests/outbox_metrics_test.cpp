// Unit tests for bot/outbox_metrics.h: the families over a real SQLite store and a FakeClock.
#include "bot/outbox_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/connection.h"
#include "store/outbox_repo.h"
#include "store/read_pool.h"
#include "store/schema.h"
#include "store/send_budget_repo.h"
#include "tests/support/subprocess.h"

namespace opsbot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class OutboxMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.path = dir_.File("outbox.db");
    auto conn = store::Connection::Open(db_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(store::Migrate(**conn).ok());
    conn_ = std::move(conn).value();
    reads_ = std::make_unique<store::ReadPool>(db_, 2);
  }

  testing::TempDir dir_;
  store::ConnectionOptions db_;
  std::unique_ptr<store::Connection> conn_;
  std::unique_ptr<store::ReadPool> reads_;
  FakeClock clock_{1'700'000'000};
  MetricsRegistry registry_;
};

TEST_F(OutboxMetricsTest, EveryPlatformNamedIsListedAtZeroFromTheStart) {
  OutboxMetrics metrics(registry_, *reads_, clock_, {"dingtalk", "slack"});
  std::string text = registry_.Render();
  for (const char* platform : {"dingtalk", "slack"}) {
    std::string p = std::string("platform=\"") + platform + "\"";
    EXPECT_THAT(text, HasSubstr("opsbot_outbox_deliveries_total{" + p + ",outcome=\"merged\"} 0\n"));
    EXPECT_THAT(text, HasSubstr("opsbot_outbox_budget_waits_total{" + p + "} 0\n"));
    EXPECT_THAT(text, HasSubstr("opsbot_outbox_pending{" + p + "} 0\n"));
    EXPECT_THAT(text, HasSubstr("opsbot_outbox_dead{" + p + "} 0\n"));
    EXPECT_THAT(text, HasSubstr("opsbot_send_lanes_blocked{" + p + "} 0\n"));
  }
  EXPECT_THAT(text, Not(HasSubstr("wecom")));
}

TEST_F(OutboxMetricsTest, GaugesCountWhatTheStoreHoldsNow) {
  OutboxMetrics metrics(registry_, *reads_, clock_, {"slack", "wecom"});
  const EpochMillis now = clock_.NowMillis();
  store::OutboxRepo outbox(*conn_);
  outbox.Enqueue("slack:A", "slack", "{}", now - 2500);
  outbox.Enqueue("slack:B", "slack", "{}", now - 1000);
  store::SendBudgetRepo budgets(*conn_);
  budgets.Upsert({{"wecom:robot:1", "wecom_robot", "wecom:group:x", 0, now, now + 60000, 0, "too fast"},
                  {"wecom:robot:2", "wecom_robot", "wecom:group:x", 1, now, now - 1, 0, ""},  // over
                  {"dingtalk:robot:3", "dingtalk_robot", "dingtalk:group:y", 0, now, now + 1, 2, "503"}});
  std::string text = registry_.Render();
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_pending{platform=\"slack\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_pending{platform=\"wecom\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_outbox_oldest_pending_seconds{platform=\"slack\"} 2.5\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_send_lanes_blocked{platform=\"wecom\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_send_lanes_blocked{platform=\"slack\"} 0\n"));
  // A blocked lane of a platform not named (no Sender in this process) is shown too.
  EXPECT_THAT(text, HasSubstr("opsbot_send_lanes_blocked{platform=\"dingtalk\"} 1\n"));
  clock_.AdvanceMillis(2);  // its block is over: nothing to show for it
  EXPECT_THAT(registry_.Render(), Not(HasSubstr("platform=\"dingtalk\"")));
}

TEST_F(OutboxMetricsTest, OutcomeLabelsNameEachKindOfResult) {
  EXPECT_STREQ(DeliveryOutcomeLabel(DeliveryResult::Kind::kDelivered), "delivered");
  EXPECT_STREQ(DeliveryOutcomeLabel(DeliveryResult::Kind::kRetry), "retry");
  EXPECT_STREQ(DeliveryOutcomeLabel(DeliveryResult::Kind::kReauth), "reauth");
  EXPECT_STREQ(DeliveryOutcomeLabel(DeliveryResult::Kind::kGiveUp), "give_up");
}

}  // namespace
}  // namespace opsbot
