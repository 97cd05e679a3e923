// End-to-end: the real opsbot binary driven through `opsbot console` on stdin, over the whole ticket
// lifecycle in English and Chinese, with every refusal, checking what the store recorded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/opsbot_env.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> AuditActions(const OpsbotEnv& env, int ticket) {
  auto db = env.Db();
  SQLite::Statement st(*db, "SELECT action FROM audit WHERE entity = 'ticket' AND entity_id = ? ORDER BY id");
  st.bind(1, ticket);
  std::vector<std::string> out;
  while (st.executeStep())
    out.push_back(st.getColumn(0).getString());
  return out;
}

TEST(ConsoleE2E, EnglishLifecycle) {
  OpsbotEnv env;
  auto r = env.Console("alice", "ops-room", {"ticket new Disk full on db-3 p1 #db @bob", "ticket list"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_THAT(r[0], HasSubstr("Created T-1 [P1]: Disk full on db-3 #db"));
  EXPECT_THAT(r[0], HasSubstr("Assigned to @bob."));
  EXPECT_THAT(r[0], HasSubstr("ack due in 15m"));
  EXPECT_THAT(r[1], HasSubstr("T-1 [P1] open Disk full on db-3 · @bob · #db"));

  r = env.Console("bob", "ops-room",
                  {"ticket ack T-1", "ticket comment T-1 looking at it", "ticket priority T-1 p2",
                   "ticket tag T-1 #disk -#db", "ticket edit T-1 Disk full on db-3 and db-4",
                   "ticket resolve T-1 freed /var/log", "ticket close T-1", "ticket reopen T-1 filling again",
                   "ticket unassign T-1", "ticket assign T-1 @zhangwei", "ticket show T-1"});
  ASSERT_EQ(r.size(), 11u);
  EXPECT_THAT(r[0], HasSubstr("T-1 acked by @bob."));
  EXPECT_THAT(r[1], HasSubstr("Comment added to T-1."));
  EXPECT_THAT(r[2], HasSubstr("T-1 priority: P1 → P2."));
  EXPECT_THAT(r[3], HasSubstr("T-1 tags: #disk"));
  EXPECT_THAT(r[4], HasSubstr("T-1 title: Disk full on db-3 and db-4"));
  EXPECT_THAT(r[5], HasSubstr("T-1 resolved."));
  EXPECT_THAT(r[5], HasSubstr("resolved within SLA"));
  EXPECT_THAT(r[6], HasSubstr("T-1 closed."));
  EXPECT_THAT(r[7], HasSubstr("T-1 reopened."));
  EXPECT_THAT(r[7], HasSubstr("resolve due in"));
  EXPECT_THAT(r[8], HasSubstr("T-1 is no longer assigned to @bob."));
  EXPECT_THAT(r[9], HasSubstr("T-1 is now assigned to @zhangwei."));
  const std::string& show = r[10];
  EXPECT_THAT(show, HasSubstr("T-1 [P2] Disk full on db-3 and db-4"));
  EXPECT_THAT(show, HasSubstr("State: open"));
  EXPECT_THAT(show, HasSubstr("Assignee: @zhangwei"));
  EXPECT_THAT(show, HasSubstr("Reporter: @alice"));
  EXPECT_THAT(show, HasSubstr("@bob: looking at it"));
  EXPECT_THAT(show, HasSubstr("@bob resolved it: freed /var/log"));
  EXPECT_THAT(show, HasSubstr("@bob reopened it: filling again"));

  EXPECT_EQ(AuditActions(env, 1),
            (std::vector<std::string>{"ticket.new", "ticket.ack", "ticket.comment", "ticket.priority",
                                      "ticket.tag", "ticket.edit", "ticket.resolve", "ticket.close",
                                      "ticket.reopen", "ticket.unassign", "ticket.assign"}));
  auto db = env.Db();
  SQLite::Statement st(
      *db,
      "SELECT a.actor, a.channel, c.key, a.before, a.after FROM audit a LEFT JOIN chats c ON "
      "c.id = a.chat_id WHERE a.entity = 'ticket' AND a.action = 'ticket.close'");
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getString(), "bob");
  EXPECT_EQ(st.getColumn(1).getString(), "console");
  EXPECT_EQ(st.getColumn(2).getString(), "ops-room");
  EXPECT_THAT(st.getColumn(3).getString(), HasSubstr("\"state\":\"resolved\""));
  EXPECT_THAT(st.getColumn(4).getString(), HasSubstr("\"state\":\"closed\""));
}

TEST(ConsoleE2E, ChineseLifecycle) {
  OpsbotEnv env;
  // zhangwei's language is zh; ops-cn assigns round-robin over team sre (alice, bob, zhangwei).
  auto r = env.Console("zhangwei", "ops-cn",
                       {"建单 数据库连接池耗尽 p2", "建单　订单服务超时　ｐ１　＃支付", "工单", "接单 T-1",
                        "备注 T-1 正在排查", "解决 T-1 已扩容连接池", "关闭 T-1", "查看 T-1",
                        "重开 T-1 又出现了", "工单 全部"});
  ASSERT_EQ(r.size(), 10u);
  EXPECT_THAT(r[0], HasSubstr("已创建工单 T-1 [P2]：数据库连接池耗尽"));
  EXPECT_THAT(r[0], HasSubstr("按规则（ops-cn → sre）指派给 @alice"));
  // Full-width spaces, ｐ１ and ＃ are normalised.
  EXPECT_THAT(r[1], HasSubstr("已创建工单 T-2 [P1]：订单服务超时 #支付"));
  EXPECT_THAT(r[1], HasSubstr("指派给 @bob"));
  EXPECT_THAT(r[2], HasSubstr("T-1 [P2] 待受理 数据库连接池耗尽"));
  EXPECT_THAT(r[3], HasSubstr("T-1 已由 @zhangwei 受理"));
  EXPECT_THAT(r[4], HasSubstr("已给 T-1 添加备注"));
  EXPECT_THAT(r[5], HasSubstr("T-1 已解决"));
  EXPECT_THAT(r[6], HasSubstr("T-1 已关闭"));
  EXPECT_THAT(r[7], HasSubstr("状态：已关闭"));
  EXPECT_THAT(r[7], HasSubstr("@zhangwei：正在排查"));
  EXPECT_THAT(r[8], HasSubstr("T-1 已重新打开"));
  EXPECT_THAT(r[9], HasSubstr("T-1 [P2] 待受理"));
  EXPECT_THAT(r[9], HasSubstr("T-2 [P1] 待受理"));
  EXPECT_EQ(env.Count("SELECT count(*) FROM audit WHERE entity = 'ticket'"), 7);
}

TEST(ConsoleE2E, LanguageFollowsPersonThenAliasThenChat) {
  OpsbotEnv env;
  // carol has no language: a Chinese alias gets Chinese, an English command in the zh chat gets Chinese,
  // in the en chat English.
  auto r = env.Console("carol", "ops-room", {"工单", "ticket list"});
  EXPECT_THAT(r[0], HasSubstr("没有符合条件的工单"));
  EXPECT_THAT(r[1], HasSubstr("No tickets match"));
  r = env.Console("carol", "ops-cn", {"ticket list"});
  EXPECT_THAT(r[0], HasSubstr("没有符合条件的工单"));
  // alice's setting (en) wins over the Chinese alias.
  r = env.Console("alice", "ops-cn", {"工单"});
  EXPECT_THAT(r[0], HasSubstr("No tickets match"));
}

TEST(ConsoleE2E, RefusalsChangeNothing) {
  OpsbotEnv env;
  env.Console("alice", "ops-room", {"ticket new Printer on fire"});
  const auto audit_before = env.Count("SELECT count(*) FROM audit");

  auto r = env.Console("carol", "ops-room",
                       {"ticket ack T-1", "ticket close T-1", "ticket new", "tiket list", "ticket foo",
                        "ticket show T-999", "ticket show abc", "ticket comment T-1", "ticket list page 0",
                        "blah", "ticket new x @bob @carol", "ticket list page 5"});
  ASSERT_EQ(r.size(), 12u);
  EXPECT_THAT(r[0],
              HasSubstr("You may not run 'ticket ack': it needs the agent role, and you are a member."));
  EXPECT_THAT(r[1], HasSubstr("needs the agent role"));
  EXPECT_THAT(r[2], HasSubstr("Missing title."));
  EXPECT_THAT(r[2], HasSubstr("Usage: ticket new <title> [p1..p4] [#tag ...] [@assignee]"));
  EXPECT_THAT(r[2], HasSubstr("Example: ticket new"));
  EXPECT_THAT(r[3], HasSubstr("Unknown command 'tiket list'. Did you mean 'ticket list'?"));
  EXPECT_THAT(r[4], HasSubstr("'ticket' commands:"));
  EXPECT_THAT(r[4], HasSubstr("new"));
  EXPECT_THAT(r[4], Not(HasSubstr("ack")));  // a member is shown only what they may run
  EXPECT_THAT(r[5], HasSubstr("T-999 does not exist."));
  EXPECT_THAT(r[6], HasSubstr("'abc' is not a ticket id (like T-12)."));
  EXPECT_THAT(r[7], HasSubstr("Missing comment."));
  EXPECT_THAT(r[8], HasSubstr("'0' is not a page number."));
  EXPECT_THAT(r[9], HasSubstr("Unknown command 'blah'."));
  EXPECT_THAT(r[10], HasSubstr("given more than once"));
  EXPECT_THAT(r[11], HasSubstr("There is no page 5"));

  r = env.Console(
      "bob", "ops-room",
      {"ticket close T-1", "ticket reopen T-1", "ticket assign T-1 @nobody", "ticket priority T-1 p9",
       "ticket unassign T-1", "ticket tag T-1", "ticket resolve T-1", "ticket ack T-1", "ticket resolve T-1",
       "ticket close T-1", "ticket close T-1", "ticket assign T-1 @bob", "ticket priority T-1 p3"});
  ASSERT_EQ(r.size(), 13u);
  EXPECT_THAT(r[0], HasSubstr("T-1 is open: it cannot be closed. Resolve it first: ticket resolve T-1"));
  EXPECT_THAT(r[1], HasSubstr("T-1 is open: it cannot be reopened. It is still being worked on."));
  EXPECT_THAT(r[2], HasSubstr("I don't know @nobody."));
  EXPECT_THAT(r[3], HasSubstr("Missing p1..p4."));
  EXPECT_THAT(r[4], HasSubstr("T-1 is not assigned to anyone."));
  EXPECT_THAT(r[5], HasSubstr("Say which tags"));
  EXPECT_THAT(r[6], HasSubstr("T-1 resolved."));
  EXPECT_THAT(r[7], HasSubstr("T-1 is resolved: it cannot be acked. Reopen it first: ticket reopen T-1"));
  EXPECT_THAT(r[8], HasSubstr("T-1 is resolved: it cannot be resolved."));
  EXPECT_THAT(r[9], HasSubstr("T-1 closed."));
  EXPECT_THAT(r[10], HasSubstr("T-1 is closed: it cannot be closed."));
  EXPECT_THAT(r[11], HasSubstr("T-1 is closed. Reopen it first"));
  EXPECT_THAT(r[12], HasSubstr("T-1 is closed. Reopen it first"));
  // Only the resolve and the close were recorded.
  EXPECT_EQ(env.Count("SELECT count(*) FROM audit"), audit_before + 2);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 1);
}

TEST(ConsoleE2E, ChineseRefusals) {
  OpsbotEnv env;
  auto r = env.Console("zhangwei", "ops-cn", {"建单", "查看 T-5", "关闭", "工单 第0页", "帮助 不存在"});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_THAT(r[0], HasSubstr("缺少title。"));
  EXPECT_THAT(r[0], HasSubstr("用法：ticket new"));
  EXPECT_THAT(r[1], HasSubstr("工单 T-5 不存在。"));
  EXPECT_THAT(r[2], HasSubstr("缺少ticket。"));
  EXPECT_THAT(r[4], HasSubstr("没有您可以使用的命令"));
  r = env.Console("carol", "ops-cn", {"接单 T-1"});
  EXPECT_THAT(r[0], HasSubstr("您无权执行「ticket ack」：需要处理人角色，您的角色是成员。"));
}

TEST(ConsoleE2E, HelpListsOnlyWhatTheCallerMayRun) {
  OpsbotEnv env;
  auto member = env.Console("carol", "ops-room", {"help", "help ticket new", "help ticket ack"});
  EXPECT_THAT(member[0], HasSubstr("ticket new"));
  EXPECT_THAT(member[0], HasSubstr("ticket comment"));
  EXPECT_THAT(member[0], Not(HasSubstr("ticket ack")));
  EXPECT_THAT(member[1], HasSubstr("Also: 建单"));
  EXPECT_THAT(member[1], HasSubstr("Examples:"));
  EXPECT_THAT(member[2], HasSubstr("No command 'ticket ack' that you can run"));
  auto agent = env.Console("zhangwei", "ops-cn", {"帮助"});
  EXPECT_THAT(agent[0], HasSubstr("接单 T-n"));
  EXPECT_THAT(agent[0], HasSubstr("您可以使用的命令（角色：处理人）"));
}

TEST(ConsoleE2E, RoundRobinSurvivesRestarts) {
  OpsbotEnv env;
  std::vector<std::string> assigned;
  for (int i = 0; i < 4; ++i) {
    auto r = env.Console("carol", "ops-cn", {"建单 巡检 " + std::to_string(i)});
    ASSERT_EQ(r.size(), 1u);
    auto at = r[0].find("指派给 @");
    ASSERT_NE(at, std::string::npos) << r[0];
    assigned.push_back(r[0].substr(at + std::string("指派给 @").size(),
                                   r[0].find("。", at) - at - std::string("指派给 @").size()));
  }
  EXPECT_EQ(assigned, (std::vector<std::string>{"alice", "bob", "zhangwei", "alice"}));
}

TEST(ConsoleE2E, UnknownUserIsAMember) {
  OpsbotEnv env;
  auto r = env.Console("dave", "ops-room", {"ticket new VPN down", "ticket ack T-1", "ticket list mine"});
  EXPECT_THAT(r[0], HasSubstr("Created T-1"));
  EXPECT_THAT(r[1], HasSubstr("you are a member"));
  EXPECT_EQ(
      env.Count("SELECT count(*) FROM people WHERE key = 'dave' AND role = 'member' AND from_config = 0"), 1);
}

TEST(ConsoleE2E, ListFiltersAndPages) {
  OpsbotEnv env;
  std::vector<std::string> lines;
  for (int i = 1; i <= 23; ++i)
    lines.push_back("ticket new item " + std::to_string(i) + (i % 2 ? " p1" : " p4") +
                    (i % 5 == 0 ? " #net" : ""));
  env.Console("alice", "ops-room", lines);
  auto r = env.Console(
      "bob", "ops-room",
      {"ticket list", "ticket list page 3", "ticket list p1", "ticket list #net", "ticket resolve T-23",
       "ticket list open", "ticket list all", "ticket ack T-22", "ticket list mine", "ticket list @bob"});
  EXPECT_THAT(r[0], HasSubstr("Tickets (not closed): 23, page 1 of 3"));
  EXPECT_THAT(r[0], HasSubstr("T-23 [P1]"));
  EXPECT_THAT(r[0], HasSubstr("Next page: ticket list page 2"));
  EXPECT_THAT(r[1], HasSubstr("page 3 of 3"));
  EXPECT_THAT(r[1], HasSubstr("T-1 [P1]"));
  EXPECT_THAT(r[1], Not(HasSubstr("Next page")));
  EXPECT_THAT(r[2], HasSubstr("Tickets (p1): 12"));
  EXPECT_THAT(r[3], HasSubstr("Tickets (#net): 4"));
  EXPECT_THAT(r[5], HasSubstr("Tickets (open): 22"));
  EXPECT_THAT(r[6], HasSubstr("Tickets (all): 23"));
  EXPECT_THAT(r[8], HasSubstr("Tickets (mine): 1"));
  EXPECT_THAT(r[8], HasSubstr("T-22"));
  EXPECT_THAT(r[9], HasSubstr("Tickets (@bob): 1"));
}

}  // namespace
}  // namespace opsbot::testing
