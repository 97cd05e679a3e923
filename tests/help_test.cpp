// Unit tests for commands/help.h and commands/register_all.h: the real command specs are well formed, their
// examples parse, and help lists only what the caller may run, in the reader's language.
#include "commands/help.h"

#include <gtest/gtest.h>

#include "bot/arg_parser.h"
#include "bot/text.h"
#include "commands/register_all.h"
#include "store/connection.h"

namespace opsbot {
namespace {

class HelpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status s = RegisterAllCommands(registry_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto conn = store::Connection::Open({.path = ":memory:"});
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn.value());
  }

  // Runs `line` (e.g. "help ticket ack") through Find, ParseArgs and the help handler, as the Router does.
  Reply Ask(const std::string& line, Role role, Lang lang) {
    auto match = registry_.Find(Tokenize(NormalizeChatText(line)));
    if (!match || match->spec->id != "help") {
      ADD_FAILURE() << "'" << line << "' is not a help command";
      return Reply::Error(lang, "");
    }
    auto args = ParseArgs(*match->spec, match->rest, lang);
    if (!args.ok()) {
      ADD_FAILURE() << args.status().ToString();
      return Reply::Error(lang, "");
    }
    InboundMessage msg;
    msg.user = "alice";
    msg.text = line;
    Caller caller;
    caller.key = "alice";
    caller.role = role;
    CommandContext ctx{*match->spec, config_, msg, caller, ChatRef{}, lang, 0, "UTC", args.value()};
    return match->spec->handler(ctx, *conn_);
  }

  // True when a line of `text` starts with the bullet and `words` followed by a space.
  static bool Lists(const std::string& text, const std::string& words) {
    return text.find("• " + words + " ") != std::string::npos;
  }

  CommandRegistry registry_;
  Config config_;
  std::unique_ptr<store::Connection> conn_;
};

TEST_F(HelpTest, EverySpecHasAChineseAliasAndExamples) {
  ASSERT_FALSE(registry_.All().empty());
  for (const CommandSpec* s : registry_.All()) {
    bool chinese = false;
    for (const auto& a : s->aliases)
      chinese = chinese || ContainsCjk(a);
    EXPECT_TRUE(chinese) << s->id << " has no Chinese alias";
    EXPECT_FALSE(s->examples.empty()) << s->id << " has no example";
    EXPECT_NE(Pattern(Lang::kEn, s->summary), "?") << s->id;
  }
}

TEST_F(HelpTest, EveryExampleCallsItsOwnCommandAndParses) {
  for (const CommandSpec* s : registry_.All()) {
    for (const auto& example : s->examples) {
      auto match = registry_.Find(Tokenize(NormalizeChatText(example)));
      ASSERT_TRUE(match) << s->id << ": example '" << example << "' matches no command";
      EXPECT_EQ(match->spec->id, s->id) << "example '" << example << "' calls another command";
      Lang lang = match->chinese_alias ? Lang::kZh : Lang::kEn;
      auto args = ParseArgs(*match->spec, match->rest, lang);
      EXPECT_TRUE(args.ok()) << s->id << ": example '" << example << "': " << args.status().ToString();
    }
  }
}

TEST_F(HelpTest, MemberSeesOnlyMemberCommands) {
  Reply r = Ask("help", Role::kMember, Lang::kEn);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  EXPECT_TRUE(Lists(r.text, "ticket new")) << r.text;
  EXPECT_TRUE(Lists(r.text, "ticket list")) << r.text;
  EXPECT_TRUE(Lists(r.text, "ticket comment")) << r.text;
  EXPECT_FALSE(Lists(r.text, "ticket ack")) << r.text;
  EXPECT_FALSE(Lists(r.text, "ticket resolve")) << r.text;
}

TEST_F(HelpTest, AdminSeesEverything) {
  Reply r = Ask("help", Role::kAdmin, Lang::kEn);
  EXPECT_EQ(r.outcome, Outcome::kOk);
  for (const CommandSpec* s : registry_.All())
    EXPECT_TRUE(Lists(r.text, s->name)) << s->name << "\n" << r.text;
}

TEST_F(HelpTest, AgentSeesAgentCommands) {
  Reply r = Ask("help", Role::kAgent, Lang::kEn);
  EXPECT_TRUE(Lists(r.text, "ticket new")) << r.text;
  EXPECT_TRUE(Lists(r.text, "ticket ack")) << r.text;
}

TEST_F(HelpTest, DetailForACommandTheCallerMayRun) {
  Reply r = Ask("help ticket new", Role::kMember, Lang::kEn);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.text;
  EXPECT_NE(r.text.find(UsageLine(*registry_.ById("ticket.new"))), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("建单"), std::string::npos) << r.text;  // aliases
  for (const auto& e : registry_.ById("ticket.new")->examples)
    EXPECT_NE(r.text.find(e), std::string::npos) << r.text;
}

TEST_F(HelpTest, DetailForACommandTheCallerMayNotRunIsRefused) {
  Reply member = Ask("help ticket ack", Role::kMember, Lang::kEn);
  EXPECT_EQ(member.outcome, Outcome::kRefused) << member.text;
  EXPECT_EQ(member.text.find("Usage"), std::string::npos) << member.text;
  // Asked by its Chinese alias too.
  EXPECT_EQ(Ask("帮助 接单", Role::kMember, Lang::kZh).outcome, Outcome::kRefused);

  Reply agent = Ask("help ticket ack", Role::kAgent, Lang::kEn);
  EXPECT_EQ(agent.outcome, Outcome::kOk) << agent.text;
}

TEST_F(HelpTest, FamilyListsOnlyWhatTheCallerMayRun) {
  Reply r = Ask("help ticket", Role::kMember, Lang::kEn);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.text;
  EXPECT_TRUE(Lists(r.text, "ticket show")) << r.text;
  EXPECT_FALSE(Lists(r.text, "ticket close")) << r.text;
}

TEST_F(HelpTest, UnknownCommandIsRefused) {
  EXPECT_EQ(Ask("help frobnicate", Role::kAdmin, Lang::kEn).outcome, Outcome::kRefused);
}

TEST_F(HelpTest, ChineseHelpUsesChineseNames) {
  Reply zh = Ask("帮助", Role::kMember, Lang::kZh);
  ASSERT_EQ(zh.outcome, Outcome::kOk);
  EXPECT_EQ(zh.lang, Lang::kZh);
  EXPECT_TRUE(Lists(zh.text, "建单")) << zh.text;
  EXPECT_NE(zh.text.find(Tr(Lang::kZh, Msg::kSumTicketNew)), std::string::npos) << zh.text;
  EXPECT_NE(zh.text.find(Tr(Lang::kZh, Msg::kRoleMember)), std::string::npos) << zh.text;
  EXPECT_FALSE(Lists(zh.text, "接单")) << zh.text;

  Reply en = Ask("help", Role::kMember, Lang::kEn);
  EXPECT_FALSE(Lists(en.text, "建单")) << en.text;
  EXPECT_EQ(en.text.find(Tr(Lang::kZh, Msg::kSumTicketNew)), std::string::npos) << en.text;
}

}  // namespace
}  // namespace opsbot
