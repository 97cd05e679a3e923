// Unit tests for bot/command_registry.h: registration rules, matching, suggestions, families.
#include "bot/command_registry.h"

#include <gtest/gtest.h>

#include "bot/text.h"

namespace opsbot {
namespace {

CommandSpec Spec(std::string id, std::string name, std::vector<std::string> aliases,
                 Role role = Role::kMember) {
  CommandSpec s;
  s.id = std::move(id);
  s.name = std::move(name);
  s.aliases = std::move(aliases);
  s.role = role;
  s.handler = [](CommandContext&, store::Connection&) { return Reply{}; };
  return s;
}

// A small registry shaped like the real one.
class CommandRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(reg_.Add(Spec("ticket.new", "ticket new", {"建单", "新建工单", "new ticket"})).ok());
    ASSERT_TRUE(reg_.Add(Spec("ticket.list", "ticket list", {"工单", "工单列表", "tickets"})).ok());
    ASSERT_TRUE(reg_.Add(Spec("ticket.show", "ticket show", {"查看", "查看工单"})).ok());
    ASSERT_TRUE(reg_.Add(Spec("ticket.resolve", "ticket resolve", {"解决"}, Role::kAgent)).ok());
    ASSERT_TRUE(reg_.Add(Spec("help", "help", {"帮助"})).ok());
  }

  const CommandSpec* Found(const std::string& line) {
    auto m = reg_.Find(Tokenize(line));
    return m ? m->spec : nullptr;
  }

  CommandRegistry reg_;
};

TEST_F(CommandRegistryTest, DuplicateIdIsRefused) {
  Status s = reg_.Add(Spec("ticket.new", "ticket create", {}));
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_.Find(Tokenize("ticket create")), std::nullopt);  // nothing of it was added
}

TEST_F(CommandRegistryTest, AliasClashingWithAnotherSpecIsRefused) {
  // Against another spec's alias, its name, and case-insensitively.
  EXPECT_EQ(reg_.Add(Spec("x.a", "x a", {"建单"})).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_.Add(Spec("x.b", "ticket list", {})).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_.Add(Spec("x.c", "x c", {"New  Ticket"})).code(), StatusCode::kAlreadyExists);
  // A refused spec leaves no trace: its other aliases are not registered either.
  EXPECT_FALSE(reg_.Add(Spec("x.d", "x d", {"fresh alias", "帮助"})).ok());
  EXPECT_EQ(reg_.ById("x.d"), nullptr);
  EXPECT_EQ(Found("fresh alias"), nullptr);
}

TEST_F(CommandRegistryTest, SameAliasTwiceInOneSpecIsRefused) {
  EXPECT_EQ(reg_.Add(Spec("x.e", "x e", {"eee", "EEE"})).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_.Add(Spec("x.f", "x f", {"x f"})).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_.ById("x.e"), nullptr);
}

TEST_F(CommandRegistryTest, SpecWithoutIdNameOrHandlerIsRefused) {
  CommandSpec no_handler = Spec("x.g", "x g", {});
  no_handler.handler = nullptr;
  EXPECT_FALSE(reg_.Add(no_handler).ok());
  EXPECT_FALSE(reg_.Add(Spec("", "x h", {})).ok());
  EXPECT_FALSE(reg_.Add(Spec("x.i", "", {})).ok());
  EXPECT_FALSE(reg_.Add(Spec("x.j", "x j", {"  "})).ok());
}

TEST_F(CommandRegistryTest, FindTakesTheLongestMatchAndReturnsTheRest) {
  auto m = reg_.Find(Tokenize("ticket new disk full p1"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->spec->id, "ticket.new");
  EXPECT_EQ(m->rest, (std::vector<std::string>{"disk", "full", "p1"}));
  EXPECT_FALSE(m->chinese_alias);

  // "工单列表" is a whole alias of its own, preferred over 工单 + 列表.
  auto list = reg_.Find(Tokenize("工单列表 p1"));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->spec->id, "ticket.list");
  EXPECT_EQ(list->rest, (std::vector<std::string>{"p1"}));
  EXPECT_TRUE(list->chinese_alias);

  EXPECT_EQ(Found("ticket"), nullptr);
  EXPECT_EQ(Found("ticketnew"), nullptr);
  EXPECT_EQ(reg_.Find({}), std::nullopt);
}

TEST_F(CommandRegistryTest, FindIsCaseInsensitiveForEnglishAndKeepsTheRestAsTyped) {
  auto m = reg_.Find(Tokenize("TICKET New Disk FULL"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->spec->id, "ticket.new");
  EXPECT_EQ(m->rest, (std::vector<std::string>{"Disk", "FULL"}));
  ASSERT_NE(Found("New Ticket x"), nullptr);
  EXPECT_EQ(Found("New Ticket x")->id, "ticket.new");
}

TEST_F(CommandRegistryTest, ChineseAliasGluedToTheFollowingTextSplits) {
  auto m = reg_.Find(Tokenize("建单磁盘满 p1"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->spec->id, "ticket.new");
  EXPECT_TRUE(m->chinese_alias);
  EXPECT_EQ(m->rest, (std::vector<std::string>{"磁盘满", "p1"}));

  auto show = reg_.Find(Tokenize("查看T-3"));
  ASSERT_TRUE(show);
  EXPECT_EQ(show->spec->id, "ticket.show");
  EXPECT_EQ(show->rest, (std::vector<std::string>{"T-3"}));
}

TEST_F(CommandRegistryTest, GluedMatchPrefersTheLongestChineseAlias) {
  // 查看 and 查看工单 both start "查看工单T-3"; the longer alias leaves the ticket id on its own.
  auto show = reg_.Find(Tokenize("查看工单T-3"));
  ASSERT_TRUE(show);
  EXPECT_EQ(show->spec->id, "ticket.show");
  EXPECT_EQ(show->rest, (std::vector<std::string>{"T-3"}));

  auto list = reg_.Find(Tokenize("工单列表p1"));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->spec->id, "ticket.list");
  EXPECT_EQ(list->rest, (std::vector<std::string>{"p1"}));
}

TEST_F(CommandRegistryTest, EnglishNamesDoNotMatchGlued) {
  EXPECT_EQ(Found("helpme"), nullptr);
  EXPECT_EQ(Found("ticketsx"), nullptr);
}

TEST_F(CommandRegistryTest, NearestSuggestsACloseCommand) {
  auto all = [](const CommandSpec&) { return true; };
  EXPECT_EQ(reg_.Nearest("tiket list", all), "ticket list");
  EXPECT_EQ(reg_.Nearest("TICKET LSIT", all), "ticket list");
  EXPECT_EQ(reg_.Nearest("halp", all), "help");
  EXPECT_EQ(reg_.Nearest("xyzzy frobnicate", all), std::nullopt);
  EXPECT_EQ(reg_.Nearest("", all), std::nullopt);
}

TEST_F(CommandRegistryTest, NearestOnlySuggestsAllowedCommands) {
  auto all = [](const CommandSpec&) { return true; };
  auto members = [](const CommandSpec& s) { return RoleAllows(Role::kMember, s.role); };
  EXPECT_EQ(reg_.Nearest("ticket reslove", all), "ticket resolve");
  EXPECT_EQ(reg_.Nearest("ticket reslove", members), std::nullopt);
  EXPECT_EQ(reg_.Nearest("tiket list", [](const CommandSpec&) { return false; }), std::nullopt);
}

TEST_F(CommandRegistryTest, ByIdAllAndFamily) {
  ASSERT_NE(reg_.ById("ticket.resolve"), nullptr);
  EXPECT_EQ(reg_.ById("ticket.resolve")->name, "ticket resolve");
  EXPECT_EQ(reg_.ById("nope"), nullptr);

  std::vector<std::string> ids;
  for (const CommandSpec* s : reg_.All())
    ids.push_back(s->id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"ticket.new", "ticket.list", "ticket.show", "ticket.resolve", "help"}));

  ids.clear();
  for (const CommandSpec* s : reg_.Family("Ticket"))
    ids.push_back(s->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ticket.new", "ticket.list", "ticket.show", "ticket.resolve"}));
  EXPECT_TRUE(reg_.Family("help").empty());  // a one-word command is not a family
  EXPECT_TRUE(reg_.Family("tick").empty());
}

}  // namespace
}  // namespace opsbot
