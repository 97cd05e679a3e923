// Unit tests for bot/messages.h: the catalogue is complete, both languages agree on fields, Tr fills them.
#include "bot/messages.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace opsbot {
namespace {

// The positional fields ({0}, {1}, ...) a pattern uses; "{{" and "}}" are literal braces. A field that is
// not a plain index (e.g. "{}" or "{name}") is recorded as -1 so the test can reject it.
std::set<int> Fields(std::string_view p) {
  std::set<int> out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '{') continue;
    if (i + 1 < p.size() && p[i + 1] == '{') {
      ++i;
      continue;
    }
    std::size_t close = p.find('}', i);
    if (close == std::string_view::npos) {
      out.insert(-1);
      break;
    }
    std::string_view inside = p.substr(i + 1, close - i - 1);
    bool digits = !inside.empty();
    for (char c : inside)
      digits = digits && c >= '0' && c <= '9';
    out.insert(digits ? std::stoi(std::string(inside)) : -1);
    i = close;
  }
  return out;
}

TEST(Messages, FieldParserReadsPositionalFields) {
  EXPECT_EQ(Fields("a {0} b {1} {0}"), (std::set<int>{0, 1}));
  EXPECT_EQ(Fields("no fields {{0}}"), (std::set<int>{}));
  EXPECT_EQ(Fields("{}"), (std::set<int>{-1}));
  EXPECT_EQ(Fields("{x}"), (std::set<int>{-1}));
}

TEST(Messages, EveryMessageHasBothLanguagesWithTheSameFields) {
  for (int i = 0; i < static_cast<int>(Msg::kCount); ++i) {
    auto id = static_cast<Msg>(i);
    std::string_view en = Pattern(Lang::kEn, id);
    std::string_view zh = Pattern(Lang::kZh, id);
    EXPECT_FALSE(en.empty()) << "Msg " << i;
    EXPECT_FALSE(zh.empty()) << "Msg " << i;
    EXPECT_NE(en, "?") << "Msg " << i << " is missing or out of order in the catalogue";
    auto en_fields = Fields(en);
    EXPECT_EQ(en_fields, Fields(zh)) << "Msg " << i << ": '" << en << "' vs '" << zh << "'";
    EXPECT_EQ(en_fields.count(-1), 0u) << "Msg " << i << " has a non-positional field: " << en;
    // Fields are numbered 0..n-1 without gaps, so callers pass exactly n values.
    int expect = 0;
    for (int f : en_fields)
      EXPECT_EQ(f, expect++) << "Msg " << i << ": " << en;
  }
}

TEST(Messages, ChineseTextIsChinese) {
  // Every message a reader sees in Chinese holds Chinese, except the few that are only symbols or names.
  const std::set<Msg> kSameInBoth = {Msg::kShowTitle, Msg::kPlatformSlack};
  for (int i = 0; i < static_cast<int>(Msg::kCount); ++i) {
    auto id = static_cast<Msg>(i);
    if (kSameInBoth.count(id)) continue;
    EXPECT_NE(Pattern(Lang::kEn, id), Pattern(Lang::kZh, id)) << "Msg " << i;
  }
}

TEST(Messages, OutOfRangeIdIsMarked) {
  EXPECT_EQ(Pattern(Lang::kEn, Msg::kCount), "?");
}

TEST(Tr, FillsPositionalFields) {
  EXPECT_EQ(Tr(Lang::kEn, Msg::kTicketCreated, 42, 1, "Disk full"), "Created T-42 [P1]: Disk full");
  EXPECT_EQ(Tr(Lang::kZh, Msg::kTicketCreated, 42, 1, "磁盘满"), "已创建工单 T-42 [P1]：磁盘满");
  // Both languages take the same arguments even where they order them differently.
  EXPECT_EQ(Tr(Lang::kEn, Msg::kListHeader, 25, "all", 1, 3), "Tickets (all): 25, page 1 of 3");
  EXPECT_EQ(Tr(Lang::kZh, Msg::kListHeader, 25, "全部", 1, 3), "工单（全部）：共 25 个，第 1/3 页");
}

TEST(Tr, WithoutArgumentsReturnsThePattern) {
  EXPECT_EQ(Tr(Lang::kEn, Msg::kUnknownCommand), std::string(Pattern(Lang::kEn, Msg::kUnknownCommand)));
}

TEST(Tr, TooFewArgumentsFallsBackToThePattern) {
  EXPECT_EQ(Tr(Lang::kEn, Msg::kTicketCreated, 42), std::string(Pattern(Lang::kEn, Msg::kTicketCreated)));
}

// Tr fills {N} itself for strings and integers; what it writes is what fmt writes, for every message.
TEST(Tr, FillsEveryMessageAsFmtDoes) {
  for (int i = 0; i < static_cast<int>(Msg::kCount); ++i) {
    for (Lang lang : {Lang::kEn, Lang::kZh}) {
      auto id = static_cast<Msg>(i);
      std::string_view p = Pattern(lang, id);
      std::string a = "alice", b = "磁盘满";
      std::int64_t big = -9223372036854775807LL;
      EXPECT_EQ(Tr(lang, id, 42, a, b, big, std::string_view("x"), 7U),
                fmt::format(fmt::runtime(p), 42, a, b, big, std::string_view("x"), 7U))
          << p;
    }
  }
}

TEST(Tr, LeavesAnythingButPlainFieldsToFmt) {
  const std::string_view one[] = {"v"};
  EXPECT_EQ(detail::Substitute("a {0} b", one, 1), "a v b");
  EXPECT_EQ(detail::Substitute("no fields", one, 1), "no fields");
  for (std::string_view p : {"{{0}}", "{0:>3}", "{}", "a } b", "{1}", "{0", "{x}"})
    EXPECT_EQ(detail::Substitute(p, one, 1), std::nullopt) << p;
  EXPECT_EQ(Tr(Lang::kEn, Msg::kTicketCreated, 'c', true, 1.5), "Created T-c [Ptrue]: 1.5");
}

TEST(Tr, TicketStatesInChinese) {
  EXPECT_EQ(Tr(Lang::kZh, Msg::kStateOpen), "待受理");
  EXPECT_EQ(Tr(Lang::kZh, Msg::kStateAcked), "处理中");
  EXPECT_EQ(Tr(Lang::kZh, Msg::kStateResolved), "已解决");
  EXPECT_EQ(Tr(Lang::kZh, Msg::kStateClosed), "已关闭");
  EXPECT_EQ(Tr(Lang::kEn, Msg::kStateOpen), "open");
  EXPECT_EQ(Tr(Lang::kEn, Msg::kStateClosed), "closed");
}

}  // namespace
}  // namespace opsbot
