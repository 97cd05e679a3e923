// Tests for commands/identity.h through the real App and Router on a real store: whoami, and bind / unbind
// across two platforms with one-time codes.
#include "commands/identity.h"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>

#include "bot/app.h"
#include "bot/outbound.h"

namespace opsbot {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr EpochSeconds kIdentityStart = 1700000000;

// alice: admin, declared on Slack only; dora: agent, declared on WeCom; wang: admin on WeCom.
const char* kIdentityConfig = R"(bot:
  log_level: warn
people:
  - {id: alice, name: Alice, role: admin, slack: U0ALICE}
  - {id: dora, name: Dora, role: agent, wecom: dora.w}
  - {id: wang, name: Wang, role: admin, wecom: wang.w}
chats:
  - {id: ops, name: Ops, slack: C0OPS, wecom: wrOPS}
)";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("opsbot_identity_test_" + std::to_string(getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "opsbot.yaml") << kIdentityConfig;
    AppOptions o;
    o.config_path = (dir_ / "opsbot.yaml").string();
    o.db_override = (dir_ / "opsbot.db").string();
    o.what = "identity test";
    o.clock = &clock_;
    auto app = App::Open(o);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(app).value();
  }
  void TearDown() override {
    app_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Reply Say(Channel channel, const std::string& user, const std::string& text, const std::string& chat = "") {
    InboundMessage m;
    m.channel = channel;
    m.user = user;
    m.user_name = user;
    m.chat = chat;
    m.text = text;
    m.max_role = Role::kAdmin;
    return app_->router().Handle(m);
  }
  // As Say, in a WeCom group whose reply goes through the outbox (where pings are resolved).
  Reply SayInWeComGroup(const std::string& user, const std::string& text) {
    InboundMessage m;
    m.channel = Channel::kWeCom;
    m.user = user;
    m.user_name = user;
    m.chat = "wrOPS";
    m.text = text;
    m.max_role = Role::kAdmin;
    m.reply_via_outbox = true;
    m.reply_platform = "wecom";
    m.reply_channel = "group:wrOPS";
    return app_->router().Handle(m);
  }
  // The last message queued for the outbox.
  OutboundMessage LastQueued() {
    SQLite::Database db((dir_ / "opsbot.db").string(), SQLite::OPEN_READONLY);
    std::string payload = db.execAndGet("SELECT payload FROM outbox ORDER BY id DESC LIMIT 1").getString();
    auto m = OutboundMessage::FromJson(nlohmann::json::parse(payload, nullptr, false));
    return m.value_or(OutboundMessage{});
  }
  // The six-digit code in a `bind <platform>` reply.
  static std::string CodeIn(const Reply& r) {
    std::smatch m;
    return std::regex_search(r.text, m, std::regex("\\b(\\d{6})\\b")) ? m[1].str() : "";
  }
  int Count(const std::string& sql) {
    SQLite::Database db((dir_ / "opsbot.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }

  fs::path dir_;
  FakeClock clock_{kIdentityStart};
  std::unique_ptr<App> app_;
};

TEST_F(IdentityTest, ACodeFromSlackSaidOnWeComLinksTheAccountsAndWhoamiShowsBoth) {
  Reply code = Say(Channel::kSlack, "U0ALICE", "bind wecom");
  ASSERT_EQ(code.outcome, Outcome::kOk) << code.text;
  std::string digits = CodeIn(code);
  ASSERT_EQ(digits.size(), 6u) << code.text;
  EXPECT_THAT(code.text, HasSubstr("WeCom"));

  // Before: on WeCom, alice.w is someone new.
  EXPECT_THAT(Say(Channel::kWeCom, "alice.w", "whoami").text, HasSubstr("new"));
  Reply bound = Say(Channel::kWeCom, "alice.w", "绑定 " + digits);
  ASSERT_EQ(bound.outcome, Outcome::kOk) << bound.text;
  EXPECT_THAT(bound.text, HasSubstr("@alice"));

  Reply who = Say(Channel::kWeCom, "alice.w", "whoami");
  EXPECT_THAT(who.text, HasSubstr("@alice"));
  EXPECT_THAT(who.text, HasSubstr("U0ALICE"));
  EXPECT_THAT(who.text, HasSubstr("alice.w"));
  // alice.w now acts as alice, with her role: an admin command works from WeCom.
  EXPECT_EQ(Say(Channel::kWeCom, "alice.w", "outbox").outcome, Outcome::kOk);
  EXPECT_EQ(Count("SELECT count(*) FROM audit WHERE action = 'person.bind'"), 1);
  // The code worked once.
  EXPECT_EQ(Say(Channel::kWeCom, "alice.w2", "bind " + digits).outcome, Outcome::kRefused);
}

TEST_F(IdentityTest, SomeoneOnlySeenOnDingTalkIsNamedNotPingedOnWeComUntilBoundThenPinged) {
  ASSERT_EQ(Say(Channel::kDingTalk, "zhang", "ticket new first").outcome, Outcome::kOk);  // met on DingTalk

  ASSERT_EQ(SayInWeComGroup("wang.w", "ticket new disk full @zhang").outcome, Outcome::kOk);
  OutboundMessage before = LastQueued();
  EXPECT_EQ(before.destination, "wecom:group:wrOPS");
  EXPECT_EQ(before.reply.command, "ticket.new");  // which command a queued reply answers is kept with it
  EXPECT_THAT(before.reply.text, HasSubstr("@zhang was named but not pinged"));
  EXPECT_THAT(before.reply.text, HasSubstr("bind wecom"));

  std::string digits = CodeIn(Say(Channel::kDingTalk, "zhang", "bind wecom"));
  ASSERT_EQ(digits.size(), 6u);
  ASSERT_EQ(Say(Channel::kWeCom, "zhang.w", "绑定 " + digits).outcome, Outcome::kOk);
  EXPECT_EQ(Count("SELECT count(*) FROM people WHERE key = 'zhang' AND wecom_userid = 'zhang.w'"), 1);

  ASSERT_EQ(SayInWeComGroup("wang.w", "ticket new second @zhang").outcome, Outcome::kOk);
  OutboundMessage after = LastQueued();
  EXPECT_THAT(after.reply.mention, ::testing::Contains("zhang"));  // the WeCom sender pings <@zhang.w>
  EXPECT_THAT(after.reply.text, ::testing::Not(HasSubstr("not pinged")));
}

TEST_F(IdentityTest, TicketsOfTheRowMadeForTheBoundAccountBecomeTheOwnersWithAHistoryLine) {
  // alice.w is met on WeCom before she binds: she reports a ticket and is assigned one.
  ASSERT_EQ(Say(Channel::kWeCom, "alice.w", "ticket new printer on fire").outcome, Outcome::kOk);    // T-1
  ASSERT_EQ(Say(Channel::kWeCom, "wang.w", "ticket new disk full @alice.w").outcome, Outcome::kOk);  // T-2
  std::string digits = CodeIn(Say(Channel::kSlack, "U0ALICE", "bind wecom"));
  ASSERT_EQ(Say(Channel::kWeCom, "alice.w", "bind " + digits).outcome, Outcome::kOk);

  EXPECT_EQ(Count("SELECT count(*) FROM tickets t JOIN people p ON p.id = t.reporter_id "
                  "WHERE t.id = 1 AND p.key = 'alice'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM tickets t JOIN people p ON p.id = t.assignee_id "
                  "WHERE t.id = 2 AND p.key = 'alice'"),
            1);
  Reply mine = Say(Channel::kSlack, "U0ALICE", "ticket list mine");
  EXPECT_THAT(mine.text, HasSubstr("T-2"));
  Reply history = Say(Channel::kSlack, "U0ALICE", "ticket show T-2");
  EXPECT_THAT(history.text, HasSubstr("@alice"));
  EXPECT_EQ(Count("SELECT count(*) FROM audit WHERE action = 'ticket.assign' AND entity_id = 2 AND "
                  "note LIKE 'bind:%'"),
            1);
  // A config person's tickets never move: wang's declared row keeps T-2's report.
  EXPECT_EQ(Count("SELECT count(*) FROM tickets t JOIN people p ON p.id = t.reporter_id "
                  "WHERE t.id = 2 AND p.key = 'wang'"),
            1);
}

TEST_F(IdentityTest, AnAssignmentMadeElsewherePingsTheAssigneeInTheTicketsChat) {
  // The chat "ops" has a WeCom group robot: opsbot can speak there on its own.
  std::ofstream(dir_ / "opsbot.yaml")
      << kIdentityConfig << "wecom:\n  robots:\n    - {chat: ops, key: robot-key}\n";
  ASSERT_TRUE(app_->Reload().ok());
  ASSERT_EQ(SayInWeComGroup("wang.w", "ticket new disk full").outcome, Outcome::kOk);  // T-1, in ops
  const int queued = Count("SELECT count(*) FROM outbox");

  Reply r = Say(Channel::kConsole, "alice", "ticket assign T-1 @dora");  // from the console
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.text;
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), queued + 1);
  OutboundMessage ping = LastQueued();
  EXPECT_EQ(ping.destination, "wecom:group:wrOPS");
  EXPECT_EQ(ping.reply.mention, std::vector<std::string>{"dora"});
  EXPECT_THAT(ping.reply.text, HasSubstr("@dora：工单 T-1「disk full」已指派给你（由 @alice 指派）"));

  // Asked in the ticket's own chat, the reply itself pings: no second message.
  ASSERT_EQ(SayInWeComGroup("wang.w", "ticket assign T-1 @wang").outcome, Outcome::kOk);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), queued + 2);
  // A refused assignment sends nothing.
  EXPECT_EQ(Say(Channel::kConsole, "alice", "ticket assign T-1 @wang").outcome, Outcome::kRefused);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), queued + 2);
}

TEST_F(IdentityTest, AnExpiredCodeAndACodeForAnotherPlatformAreRefused) {
  std::string digits = CodeIn(Say(Channel::kSlack, "U0ALICE", "bind dingtalk"));
  ASSERT_FALSE(digits.empty());
  Reply wrong = Say(Channel::kWeCom, "alice.w", "bind " + digits);
  EXPECT_EQ(wrong.outcome, Outcome::kRefused);
  EXPECT_THAT(wrong.text, HasSubstr("DingTalk"));
  clock_.Advance(kBindCodeSeconds + 1);
  Reply late = Say(Channel::kDingTalk, "staff-alice", "bind " + digits);
  EXPECT_EQ(late.outcome, Outcome::kRefused);
  EXPECT_EQ(Count("SELECT count(*) FROM people WHERE dingtalk_staff_id = 'staff-alice' AND key = 'alice'"),
            0);
  EXPECT_EQ(Say(Channel::kWeCom, "alice.w", "bind 000000").outcome, Outcome::kRefused);
}

TEST_F(IdentityTest, ACodeSaidInAGroupIsBurnedAndBindIsRefusedInAGroup) {
  EXPECT_EQ(Say(Channel::kSlack, "U0ALICE", "bind wecom", "C0OPS").outcome, Outcome::kRefused);
  std::string digits = CodeIn(Say(Channel::kSlack, "U0ALICE", "bind wecom"));
  ASSERT_FALSE(digits.empty());
  Reply burned = Say(Channel::kWeCom, "mallory", "bind " + digits, "wrOPS");
  EXPECT_THAT(burned.text, HasSubstr("no longer"));
  // Not even its owner can use it now, in a direct message.
  EXPECT_EQ(Say(Channel::kWeCom, "alice.w", "bind " + digits).outcome, Outcome::kRefused);
  EXPECT_EQ(
      Count("SELECT count(*) FROM people WHERE wecom_userid IN ('mallory', 'alice.w') AND key = 'alice'"), 0);
}

TEST_F(IdentityTest, TwoConfigPeopleWithDifferentRolesAreNeverLinkedNorADeclaredHandleMoved) {
  // dora (agent) asks from WeCom for a Slack code, and alice (admin) says it from her declared Slack account.
  std::string digits = CodeIn(Say(Channel::kWeCom, "dora.w", "bind slack"));
  ASSERT_FALSE(digits.empty());
  Reply r = Say(Channel::kSlack, "U0ALICE", "bind " + digits);
  EXPECT_EQ(r.outcome, Outcome::kRefused);
  EXPECT_THAT(r.text, HasSubstr("different roles"));
  // alice (admin) asks for a WeCom code, and wang (admin, same role) says it: wang.w is declared for wang.
  digits = CodeIn(Say(Channel::kSlack, "U0ALICE", "bind wecom"));
  r = Say(Channel::kWeCom, "wang.w", "bind " + digits);
  EXPECT_EQ(r.outcome, Outcome::kRefused);
  EXPECT_THAT(r.text, HasSubstr("declared in the config"));
  EXPECT_EQ(Count("SELECT count(*) FROM people WHERE key = 'wang' AND wecom_userid = 'wang.w'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM people WHERE key = 'alice' AND slack_user_id = 'U0ALICE'"), 1);
}

TEST_F(IdentityTest, UnbindRemovesABoundHandleButNotADeclaredOneNorTheOneSpeaking) {
  std::string digits = CodeIn(Say(Channel::kSlack, "U0ALICE", "bind wecom"));
  ASSERT_EQ(Say(Channel::kWeCom, "alice.w", "bind " + digits).outcome, Outcome::kOk);
  EXPECT_EQ(Say(Channel::kWeCom, "alice.w", "unbind wecom").outcome, Outcome::kRefused);  // speaking from it
  EXPECT_EQ(Say(Channel::kWeCom, "alice.w", "unbind slack").outcome, Outcome::kRefused);  // declared
  Reply r = Say(Channel::kSlack, "U0ALICE", "解绑 企业微信");
  EXPECT_EQ(r.outcome, Outcome::kOk) << r.text;
  EXPECT_EQ(Count("SELECT count(*) FROM people WHERE wecom_userid = 'alice.w'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM audit WHERE action = 'person.unbind'"), 1);
  EXPECT_EQ(Say(Channel::kSlack, "U0ALICE", "unbind wecom").outcome, Outcome::kRefused);  // nothing left
}

TEST_F(IdentityTest, ABindSurvivesAConfigReload) {
  std::string digits = CodeIn(Say(Channel::kSlack, "U0ALICE", "bind wecom"));
  ASSERT_EQ(Say(Channel::kWeCom, "alice.w", "bind " + digits).outcome, Outcome::kOk);
  ASSERT_TRUE(app_->Reload().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM people WHERE key = 'alice' AND wecom_userid = 'alice.w'"), 1);
}

}  // namespace
}  // namespace opsbot
