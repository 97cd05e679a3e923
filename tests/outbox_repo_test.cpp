// Unit tests for store/outbox_repo.h on a real, migrated SQLite file.
#include "store/outbox_repo.h"

#include <gtest/gtest.h>

#include <memory>

#include "store/connection.h"
#include "store/schema.h"
#include "tests/support/subprocess.h"

namespace opsbot::store {
namespace {

class OutboxRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConnectionOptions o;
    o.path = dir_.File("outbox.db");
    auto c = Connection::Open(o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
    ASSERT_TRUE(Migrate(*conn_).ok());
  }

  std::vector<std::int64_t> ReadyIds(EpochMillis now, int limit = 64) {
    std::vector<std::int64_t> ids;
    for (const auto& r : OutboxRepo(*conn_).Ready(now, limit))
      ids.push_back(r.id);
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(OutboxRepoTest, EnqueueStoresAPendingRowDueNow) {
  OutboxRepo repo(*conn_);
  auto id = repo.Enqueue("slack:C1", "slack", "{\"text\":\"hi\"}", 1000);
  auto row = repo.Get(id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "pending");
  EXPECT_EQ(row->destination, "slack:C1");
  EXPECT_EQ(row->platform, "slack");
  EXPECT_EQ(row->payload, "{\"text\":\"hi\"}");
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->due_at, 1000);
  EXPECT_EQ(row->created_at, 1000);
  EXPECT_FALSE(row->delivered_at);
  EXPECT_FALSE(repo.Get(id + 100));
}

TEST_F(OutboxRepoTest, ReadyGivesOnlyTheOldestPendingRowOfEachDestination) {
  OutboxRepo repo(*conn_);
  auto a1 = repo.Enqueue("slack:A", "slack", "{}", 100);
  auto b1 = repo.Enqueue("slack:B", "slack", "{}", 100);
  auto a2 = repo.Enqueue("slack:A", "slack", "{}", 100);
  EXPECT_EQ(ReadyIds(100), (std::vector<std::int64_t>{a1, b1}));
  EXPECT_EQ(ReadyIds(100, 1), (std::vector<std::int64_t>{a1}));
  EXPECT_TRUE(ReadyIds(99).empty());  // not due yet

  repo.MarkDelivered(a1, 100, 100);
  EXPECT_EQ(ReadyIds(100), (std::vector<std::int64_t>{b1, a2}));
}

TEST_F(OutboxRepoTest, AHeadWaitingForItsBackoffHoldsBackItsDestination) {
  OutboxRepo repo(*conn_);
  auto a1 = repo.Enqueue("slack:A", "slack", "{}", 100);
  repo.Enqueue("slack:A", "slack", "{}", 100);
  repo.Reschedule(a1, 1, 5000, "timeout", 100);
  EXPECT_TRUE(ReadyIds(4999).empty());
  EXPECT_EQ(ReadyIds(5000), (std::vector<std::int64_t>{a1}));
  auto row = repo.Get(a1);
  EXPECT_EQ(row->attempts, 1);
  EXPECT_EQ(row->last_error, "timeout");
  EXPECT_EQ(repo.NextDue(), 5000);
}

TEST_F(OutboxRepoTest, PaceHoldsADestinationUntilNextSendAt) {
  OutboxRepo repo(*conn_);
  auto a1 = repo.Enqueue("slack:A", "slack", "{}", 100);
  auto a2 = repo.Enqueue("slack:A", "slack", "{}", 100);
  auto b1 = repo.Enqueue("slack:B", "slack", "{}", 100);
  repo.MarkDelivered(a1, 100, 1100);
  EXPECT_EQ(ReadyIds(500), (std::vector<std::int64_t>{b1}));
  EXPECT_EQ(ReadyIds(1100), (std::vector<std::int64_t>{a2, b1}));
  // NextDue: b1 is due at 100; A's head at max(100, 1100).
  EXPECT_EQ(repo.NextDue(), 100);
  repo.MarkDelivered(b1, 150, 1150);
  EXPECT_EQ(repo.NextDue(), 1100);
  // next_send_at never moves earlier.
  repo.MarkDelivered(a2, 200, 900);
  repo.Enqueue("slack:A", "slack", "{}", 200);
  EXPECT_EQ(repo.NextDue(), 1100);
}

TEST_F(OutboxRepoTest, NextDueIsEmptyWhenNothingIsPending) {
  OutboxRepo repo(*conn_);
  EXPECT_FALSE(repo.NextDue());
  auto id = repo.Enqueue("slack:A", "slack", "{}", 100);
  EXPECT_EQ(repo.NextDue(), 100);
  repo.MarkDead(id, 3, "channel_not_found", 200);
  EXPECT_FALSE(repo.NextDue());
}

TEST_F(OutboxRepoTest, DeadRowsAreKeptListedAnnouncedOnceAndRetried) {
  OutboxRepo repo(*conn_);
  auto a = repo.Enqueue("slack:A", "slack", "{}", 100);
  auto b = repo.Enqueue("slack:B", "slack", "{}", 100);
  repo.MarkDead(a, 8, "timeout", 200);
  repo.MarkDead(b, 1, "channel_not_found", 300);
  auto dead = repo.Dead(10);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].id, b);  // newest first
  EXPECT_EQ(dead[1].attempts, 8);
  EXPECT_EQ(dead[1].last_error, "timeout");
  EXPECT_EQ(repo.DeadUnannounced().size(), 2u);
  repo.MarkAnnounced(a);
  ASSERT_EQ(repo.DeadUnannounced().size(), 1u);
  EXPECT_EQ(repo.DeadUnannounced()[0].id, b);

  EXPECT_TRUE(repo.Retry(a, 1000));
  auto row = repo.Get(a);
  EXPECT_EQ(row->state, "pending");
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->due_at, 1000);
  EXPECT_FALSE(row->announced);             // if it dies again, it is announced again
  EXPECT_FALSE(repo.Retry(a, 1000));        // pending, not dead
  EXPECT_FALSE(repo.Retry(a + 100, 1000));  // absent
  EXPECT_EQ(ReadyIds(1000), (std::vector<std::int64_t>{a}));
}

TEST_F(OutboxRepoTest, PruneDeletesOldDeliveredRowsOnly) {
  OutboxRepo repo(*conn_);
  auto old_delivered = repo.Enqueue("slack:A", "slack", "{}", 100);
  repo.MarkDelivered(old_delivered, 100, 1100);
  auto new_delivered = repo.Enqueue("slack:A", "slack", "{}", 5000);
  repo.MarkDelivered(new_delivered, 5000, 6000);
  auto old_pending = repo.Enqueue("slack:B", "slack", "{}", 100);
  auto old_dead = repo.Enqueue("slack:C", "slack", "{}", 100);
  repo.MarkDead(old_dead, 8, "x", 100);

  EXPECT_EQ(repo.PruneDelivered(1000), 1);
  EXPECT_FALSE(repo.Get(old_delivered));
  EXPECT_TRUE(repo.Get(new_delivered));
  EXPECT_TRUE(repo.Get(old_pending));
  EXPECT_TRUE(repo.Get(old_dead));
  EXPECT_EQ(repo.PruneDelivered(1000), 0);
}

TEST_F(OutboxRepoTest, StatsCountPendingAndDeadPerPlatform) {
  OutboxRepo repo(*conn_);
  repo.Enqueue("slack:A", "slack", "{}", 300);
  repo.Enqueue("slack:B", "slack", "{}", 200);
  auto d = repo.Enqueue("wecom:X", "wecom", "{}", 100);
  repo.MarkDead(d, 8, "x", 400);
  auto delivered = repo.Enqueue("slack:A", "slack", "{}", 50);
  repo.MarkDelivered(delivered, 60, 1060);

  auto stats = repo.Stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].key, "slack");
  EXPECT_EQ(stats[0].pending, 2);
  EXPECT_EQ(stats[0].dead, 0);
  EXPECT_EQ(stats[0].oldest_pending_created_at, 200);
  EXPECT_EQ(stats[1].key, "wecom");
  EXPECT_EQ(stats[1].pending, 0);
  EXPECT_EQ(stats[1].dead, 1);
  EXPECT_FALSE(stats[1].oldest_pending_created_at);
}

TEST_F(OutboxRepoTest, PlatformFilterLeavesOtherPlatformsPending) {
  OutboxRepo repo(*conn_);
  auto slack = repo.Enqueue("slack:C1", "slack", "{}", 1000);
  repo.Enqueue("wecom:wr1", "wecom", "{}", 500);
  auto ready = repo.Ready(2000, 10, {"slack"});
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].id, slack);
  EXPECT_EQ(repo.NextDue({"slack"}), 1000);
  EXPECT_EQ(repo.NextDue({"dingtalk"}), std::nullopt);
  EXPECT_EQ(repo.NextDue(), 500);
  EXPECT_EQ(repo.Ready(2000, 10).size(), 2u);
}

}  // namespace
}  // namespace opsbot::store
