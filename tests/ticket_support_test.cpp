#include "commands/ticket_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace opsbot {
namespace {

store::TicketRow Row() {
  store::TicketRow t;
  t.id = 12;
  t.title = "磁盘满 on \"db-7\"";
  t.priority = 2;
  t.state = "acked";
  t.assignee_key = "zhangwei";
  t.tags = {"db", "网络"};
  return t;
}

// The audit text nlohmann wrote before TicketSnapshot wrote it itself: history reads old and new rows alike.
TEST(TicketSupportTest, SnapshotIsTheObjectNlohmannWrote) {
  for (bool assigned : {true, false}) {
    store::TicketRow t = Row();
    if (!assigned) t.assignee_key.clear(), t.tags.clear();
    nlohmann::json j = {{"state", t.state},
                        {"priority", t.priority},
                        {"title", t.title},
                        {"assignee", assigned ? nlohmann::json(t.assignee_key) : nlohmann::json()},
                        {"tags", t.tags}};
    EXPECT_EQ(TicketSnapshot(t), j.dump());
  }
}

TEST(TicketSupportTest, LineShowsStateAssigneeTagsAndSla) {
  store::TicketRow t = Row();
  t.created_at = 1000;
  t.ack_due_at = 1000 + 3600;
  t.acked_at = 1000 + 600;
  t.resolve_due_at = 1000 + 4 * 3600;
  EXPECT_EQ(TicketLine(t, 1000 + 3600, Lang::kEn),
            "T-12 [P2] acked 磁盘满 on \"db-7\" · @zhangwei · #db #网络 · acked in 10m · resolve due in 3h");
  t.assignee_key.clear();
  t.tags.clear();
  t.title = std::string(70, 'x');
  EXPECT_EQ(TicketLine(t, 1000 + 3600, Lang::kZh),
            "T-12 [P2] 处理中 " + std::string(60, 'x') + "… · 无人 · 用时 10分钟 受理 · 解决剩余 3小时");
}

}  // namespace
}  // namespace opsbot
