// Unit tests for commands/sla.h: deadlines from the config's targets and the localised SLA summary.
#include "commands/sla.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;

Config SlaConfig() {
  Config c;
  c.sla[1] = {15 * kMinute, 4 * kHour};
  c.sla[2] = {0, 8 * kHour};  // no ack target
  return c;
}

// A P1 ticket opened at t=0 with the P1 deadlines.
store::TicketRow P1Ticket() {
  store::TicketRow t;
  t.id = 7;
  t.priority = 1;
  t.state = "open";
  t.created_at = 0;
  SlaDeadlines d = ComputeDeadlines(SlaConfig(), 1, t.created_at, t.created_at);
  t.ack_due_at = d.ack_due_at;
  t.resolve_due_at = d.resolve_due_at;
  return t;
}

TEST(ComputeDeadlines, AddsTheTargetsToTheirStarts) {
  SlaDeadlines d = ComputeDeadlines(SlaConfig(), 1, 1000, 5000);
  EXPECT_EQ(d.ack_due_at, 1000 + 15 * kMinute);
  EXPECT_EQ(d.resolve_due_at, 5000 + 4 * kHour);
}

TEST(ComputeDeadlines, ZeroTargetOrUnknownPriorityHasNoDeadline) {
  SlaDeadlines p2 = ComputeDeadlines(SlaConfig(), 2, 1000, 1000);
  EXPECT_FALSE(p2.ack_due_at.has_value());
  EXPECT_EQ(p2.resolve_due_at, 1000 + 8 * kHour);
  SlaDeadlines p4 = ComputeDeadlines(SlaConfig(), 4, 1000, 1000);
  EXPECT_FALSE(p4.ack_due_at.has_value());
  EXPECT_FALSE(p4.resolve_due_at.has_value());
  SlaDeadlines none = ComputeDeadlines(Config{}, 1, 1000, 1000);
  EXPECT_FALSE(none.ack_due_at.has_value());
  EXPECT_FALSE(none.resolve_due_at.has_value());
}

TEST(SlaSummary, NoDeadlinesNoSummary) {
  store::TicketRow t;
  EXPECT_EQ(SlaSummary(t, 100, Lang::kEn), "");
}

TEST(SlaSummary, AckDue) {
  store::TicketRow t = P1Ticket();
  EXPECT_EQ(SlaSummary(t, 5 * kMinute, Lang::kEn), "ack due in 10m · resolve due in 3h 55m");
  EXPECT_EQ(SlaSummary(t, 5 * kMinute, Lang::kZh), "受理剩余 10分钟 · 解决剩余 3小时55分钟");
}

TEST(SlaSummary, AckBreached) {
  store::TicketRow t = P1Ticket();
  std::int64_t now = 15 * kMinute + 100;  // 1m 40s past the ack deadline
  EXPECT_EQ(SlaSummary(t, now, Lang::kEn), "ack SLA breached 1m 40s ago · resolve due in 3h 43m");
  EXPECT_EQ(SlaSummary(t, now, Lang::kZh), "受理已超时 1分钟40秒 · 解决剩余 3小时43分钟");
}

TEST(SlaSummary, AckedInTime) {
  store::TicketRow t = P1Ticket();
  t.state = "acked";
  t.acked_at = 10 * kMinute;
  EXPECT_EQ(SlaSummary(t, kHour, Lang::kEn), "acked in 10m · resolve due in 3h");
}

TEST(SlaSummary, AckedLate) {
  store::TicketRow t = P1Ticket();
  t.state = "acked";
  t.acked_at = 20 * kMinute;
  EXPECT_EQ(SlaSummary(t, kHour, Lang::kEn), "acked in 20m, 5m late · resolve due in 3h");
  EXPECT_EQ(SlaSummary(t, kHour, Lang::kZh), "用时 20分钟 受理，超时 5分钟 · 解决剩余 3小时");
}

TEST(SlaSummary, ResolveBreachedWhileStillOpen) {
  store::TicketRow t = P1Ticket();
  t.state = "acked";
  t.acked_at = 10 * kMinute;
  EXPECT_EQ(SlaSummary(t, 5 * kHour + 30 * kMinute, Lang::kEn),
            "acked in 10m · resolve SLA breached 1h 30m ago");
  EXPECT_EQ(SlaSummary(t, 5 * kHour + 30 * kMinute, Lang::kZh), "用时 10分钟 受理 · 解决已超时 1小时30分钟");
}

TEST(SlaSummary, ResolveMet) {
  store::TicketRow t = P1Ticket();
  t.state = "resolved";
  t.acked_at = 10 * kMinute;
  t.resolved_at = 2 * kHour;
  EXPECT_EQ(SlaSummary(t, 3 * kHour, Lang::kEn), "acked in 10m · resolved within SLA");
  EXPECT_EQ(SlaSummary(t, 3 * kHour, Lang::kZh), "用时 10分钟 受理 · 在 SLA 内解决");
}

TEST(SlaSummary, ResolveMissed) {
  store::TicketRow t = P1Ticket();
  t.state = "resolved";
  t.acked_at = 10 * kMinute;
  t.resolved_at = 5 * kHour + 2 * kMinute;
  EXPECT_EQ(SlaSummary(t, 6 * kHour, Lang::kEn), "acked in 10m · resolved 1h 2m late");
  EXPECT_EQ(SlaSummary(t, 6 * kHour, Lang::kZh), "用时 10分钟 受理 · 解决超时 1小时2分钟");
}

TEST(SlaSummary, ClocksStopAfterResolve) {
  // Long after both deadlines, a resolved or closed ticket reports what happened, not a breach that grows.
  store::TicketRow t = P1Ticket();
  t.state = "resolved";
  t.acked_at = 10 * kMinute;
  t.resolved_at = 2 * kHour;
  std::string early = SlaSummary(t, 3 * kHour, Lang::kEn);
  EXPECT_EQ(SlaSummary(t, 300 * kHour, Lang::kEn), early);
  t.state = "closed";
  t.closed_at = 3 * kHour;
  EXPECT_EQ(SlaSummary(t, 300 * kHour, Lang::kEn), early);
  EXPECT_EQ(early.find("breached"), std::string::npos);
}

TEST(SlaSummary, ReopenedTicketCountsFromItsNewResolveDeadline) {
  // Resolved at 2h, reopened at 10h: the old deadline (4h) has passed, the new one is 10h + 4h.
  store::TicketRow t = P1Ticket();
  t.state = "open";
  t.acked_at = 10 * kMinute;
  t.resolved_at.reset();
  std::int64_t reopened = 10 * kHour;
  t.resolve_due_at = ComputeDeadlines(SlaConfig(), t.priority, t.created_at, reopened).resolve_due_at;
  EXPECT_EQ(t.resolve_due_at, 14 * kHour);
  EXPECT_EQ(SlaSummary(t, reopened + kHour, Lang::kEn), "acked in 10m · resolve due in 3h");
  EXPECT_EQ(SlaSummary(t, reopened + kHour, Lang::kZh), "用时 10分钟 受理 · 解决剩余 3小时");
}

TEST(SlaSummary, ResolvedWithoutAckShowsNoAckClock) {
  store::TicketRow t = P1Ticket();
  t.state = "resolved";
  t.resolved_at = kHour;
  EXPECT_EQ(SlaSummary(t, 2 * kHour, Lang::kEn), "resolved within SLA");
}

}  // namespace
}  // namespace opsbot
