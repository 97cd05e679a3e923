// Unit tests for bot/arg_parser.h: ticket ids, typed arguments by spec, usage lines.
#include "bot/arg_parser.h"

#include <gtest/gtest.h>

#include "bot/text.h"

namespace opsbot {
namespace {

std::vector<std::string> Words(const std::string& line) {
  return Tokenize(NormalizeChatText(line));
}

// Like `ticket new`: a title with priority, tags and an assignee anywhere in it.
CommandSpec NewSpec() {
  CommandSpec s;
  s.id = "t.new";
  s.name = "ticket new";
  s.args = {{ArgKind::kText, "title", true, {}},
            {ArgKind::kPriority, "priority", false, {}},
            {ArgKind::kTags, "tags", false, {}},
            {ArgKind::kMention, "assignee", false, {}}};
  return s;
}

// Like `ticket list`: a filter choice with Chinese synonyms, a priority and a page; no free text.
CommandSpec ListSpec() {
  CommandSpec s;
  s.id = "t.list";
  s.name = "ticket list";
  s.args = {
      {ArgKind::kChoice, "filter", false, {{"open", {"未解决"}}, {"mine", {"我的"}}, {"all", {"全部"}}}},
      {ArgKind::kPriority, "priority", false, {}},
      {ArgKind::kPage, "page", false, {}}};
  return s;
}

CommandSpec TagSpec() {
  CommandSpec s;
  s.id = "t.tag";
  s.name = "ticket tag";
  s.args = {{ArgKind::kTicketId, "ticket", true, {}}, {ArgKind::kTagEdits, "tags", false, {}}};
  return s;
}

CommandSpec AssignSpec() {
  CommandSpec s;
  s.id = "t.assign";
  s.name = "ticket assign";
  s.args = {{ArgKind::kTicketId, "ticket", true, {}}, {ArgKind::kMention, "assignee", true, {}}};
  return s;
}

TEST(ParseTicketId, AcceptsTheFourForms) {
  EXPECT_EQ(ParseTicketId("T-12"), 12);
  EXPECT_EQ(ParseTicketId("t-12"), 12);
  EXPECT_EQ(ParseTicketId("T12"), 12);
  EXPECT_EQ(ParseTicketId("12"), 12);
  EXPECT_EQ(ParseTicketId("T-1"), 1);
}

TEST(ParseTicketId, RejectsEverythingElse) {
  for (const char* bad : {"0", "T-0", "-1", "T--1", "T-", "T", "t-", "", "T-12a", "12x", "X-12", "T_12", "+3",
                          "99999999999999999999", "T-1000000000000000"}) {
    EXPECT_EQ(ParseTicketId(bad), std::nullopt) << bad;
  }
}

TEST(ParseArgs, TextTakesWhatTheAnywhereKindsLeave) {
  auto r = ParseArgs(NewSpec(), Words("p1 Disk full @alice on #DB db-3 #net"), Lang::kEn);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "Disk full on db-3");
  EXPECT_EQ(r->priority, 1);
  EXPECT_EQ(r->tags_add, (std::vector<std::string>{"db", "net"}));
  EXPECT_EQ(r->mention, "alice");
  EXPECT_FALSE(r->ticket.has_value());
}

TEST(ParseArgs, OptionalKindsStayUnsetWhenAbsent) {
  auto r = ParseArgs(NewSpec(), Words("Disk full"), Lang::kEn);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "Disk full");
  EXPECT_FALSE(r->priority.has_value());
  EXPECT_TRUE(r->tags_add.empty());
  EXPECT_FALSE(r->mention.has_value());
}

TEST(ParseArgs, WordsThatOnlyLookLikeArgumentsAreText) {
  // "p5", "p12", a bare "@" or "#" and an embedded '#' are not priorities, mentions or tags.
  auto r = ParseArgs(NewSpec(), Words("p5 p12 @ # a#b"), Lang::kEn);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "p5 p12 @ # a#b");
  EXPECT_FALSE(r->priority.has_value());
  EXPECT_FALSE(r->mention.has_value());
  EXPECT_TRUE(r->tags_add.empty());
}

TEST(ParseArgs, FullWidthInputWorksAfterNormalisation) {
  auto r = ParseArgs(NewSpec(), Words("磁盘满\u3000Ｐ２\u3000＃ｄｂ\u3000＠张伟"), Lang::kZh);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "磁盘满");
  EXPECT_EQ(r->priority, 2);
  EXPECT_EQ(r->tags_add, (std::vector<std::string>{"db"}));
  EXPECT_EQ(r->mention, "张伟");
}

TEST(ParseArgs, TwoMentionsAreRefused) {
  auto r = ParseArgs(NewSpec(), Words("disk full @alice @bob"), Lang::kEn);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("assignee"), std::string::npos) << r.status().message();
}

TEST(ParseArgs, TwoPrioritiesAreRefused) {
  auto r = ParseArgs(NewSpec(), Words("disk full p1 p2"), Lang::kEn);
  EXPECT_FALSE(r.ok());
}

TEST(ParseArgs, MissingRequiredTextIsRefused) {
  auto r = ParseArgs(NewSpec(), Words("p1 #db @alice"), Lang::kEn);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("title"), std::string::npos) << r.status().message();
}

TEST(ParseArgs, ExtraTokenIsRefusedWhenThereIsNoText) {
  auto r = ParseArgs(ListSpec(), Words("mine banana p2"), Lang::kEn);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("banana"), std::string::npos) << r.status().message();
}

TEST(ParseArgs, ChoiceMatchesCanonicalWordsAndSynonyms) {
  auto en = ParseArgs(ListSpec(), Words("MINE"), Lang::kEn);
  ASSERT_TRUE(en.ok());
  EXPECT_EQ(en->choice, "mine");
  auto zh = ParseArgs(ListSpec(), Words("我的 p1"), Lang::kZh);
  ASSERT_TRUE(zh.ok());
  EXPECT_EQ(zh->choice, "mine");
  EXPECT_EQ(zh->priority, 1);
  auto all = ParseArgs(ListSpec(), Words("全部"), Lang::kZh);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->choice, "all");
  EXPECT_FALSE(ParseArgs(ListSpec(), Words("mine all"), Lang::kEn).ok());
  auto none = ParseArgs(ListSpec(), {}, Lang::kEn);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->choice.has_value());
  EXPECT_FALSE(none->page.has_value());
}

TEST(ParseArgs, PageInEnglishAndChinese) {
  auto en = ParseArgs(ListSpec(), Words("page 3 all"), Lang::kEn);
  ASSERT_TRUE(en.ok()) << en.status().ToString();
  EXPECT_EQ(en->page, 3);
  EXPECT_EQ(en->choice, "all");
  auto zh = ParseArgs(ListSpec(), Words("全部 第2页"), Lang::kZh);
  ASSERT_TRUE(zh.ok()) << zh.status().ToString();
  EXPECT_EQ(zh->page, 2);
  auto zh_full_width = ParseArgs(ListSpec(), Words("第１２页"), Lang::kZh);
  ASSERT_TRUE(zh_full_width.ok()) << zh_full_width.status().ToString();
  EXPECT_EQ(zh_full_width->page, 12);
}

TEST(ParseArgs, BadPagesAreRefused) {
  for (const char* line : {"page", "page zero", "page 0", "page -2", "page 2 page 3", "第0页"}) {
    EXPECT_FALSE(ParseArgs(ListSpec(), Words(line), Lang::kEn).ok()) << line;
  }
}

TEST(ParseArgs, TagEditsAddAndRemove) {
  auto r = ParseArgs(TagSpec(), Words("T-7 #DB -#net #disk"), Lang::kEn);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ticket, 7);
  EXPECT_EQ(r->tags_add, (std::vector<std::string>{"db", "disk"}));
  EXPECT_EQ(r->tags_remove, (std::vector<std::string>{"net"}));
}

TEST(ParseArgs, PlainTagsDoNotAcceptRemovals) {
  // "-#net" is only a removal for kTagEdits; for ticket new it is part of the title.
  auto r = ParseArgs(NewSpec(), Words("disk -#net"), Lang::kEn);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "disk -#net");
  EXPECT_TRUE(r->tags_remove.empty());
}

TEST(ParseArgs, TicketIdIsPositional) {
  auto ok = ParseArgs(AssignSpec(), Words("t12 @bob"), Lang::kEn);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->ticket, 12);
  EXPECT_EQ(ok->mention, "bob");
  // The id must come first.
  EXPECT_FALSE(ParseArgs(AssignSpec(), Words("@bob T-12"), Lang::kEn).ok());
  // Missing id, bad id, missing required mention.
  EXPECT_FALSE(ParseArgs(AssignSpec(), {}, Lang::kEn).ok());
  auto bad = ParseArgs(AssignSpec(), Words("T-0 @bob"), Lang::kEn);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("T-0"), std::string::npos);
  auto no_mention = ParseArgs(AssignSpec(), Words("T-12"), Lang::kEn);
  ASSERT_FALSE(no_mention.ok());
  EXPECT_NE(no_mention.status().message().find("assignee"), std::string::npos);
}

TEST(ParseArgs, ErrorsAreInTheReadersLanguage) {
  const auto words = Words("p1");
  auto en = ParseArgs(NewSpec(), words, Lang::kEn);
  auto zh = ParseArgs(NewSpec(), words, Lang::kZh);
  ASSERT_FALSE(en.ok());
  ASSERT_FALSE(zh.ok());
  EXPECT_NE(en.status().message(), zh.status().message());
  EXPECT_FALSE(ContainsCjk(en.status().message())) << en.status().message();
  EXPECT_TRUE(ContainsCjk(zh.status().message())) << zh.status().message();

  auto en_extra = ParseArgs(ListSpec(), Words("banana"), Lang::kEn);
  auto zh_extra = ParseArgs(ListSpec(), Words("banana"), Lang::kZh);
  ASSERT_FALSE(en_extra.ok());
  ASSERT_FALSE(zh_extra.ok());
  EXPECT_NE(en_extra.status().message(), zh_extra.status().message());
  EXPECT_TRUE(ContainsCjk(zh_extra.status().message()));
}

TEST(UsageLine, BuiltFromTheSpec) {
  EXPECT_EQ(UsageLine(NewSpec()), "ticket new <title> [p1..p4] [#tag ...] [@assignee]");
  EXPECT_EQ(UsageLine(ListSpec()), "ticket list [open|mine|all] [p1..p4] [page N]");
  EXPECT_EQ(UsageLine(TagSpec()), "ticket tag T-n [#tag|-#tag ...]");
  EXPECT_EQ(UsageLine(AssignSpec()), "ticket assign T-n @assignee");
}

}  // namespace
}  // namespace opsbot
