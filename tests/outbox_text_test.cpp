// Tests for bot/outbox_text.h: digest texts and previews.
#include "bot/outbox_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bot/outbound.h"

namespace opsbot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(DigestTextTest, WholeTextsWhenTheyFitElseFirstLinesWithThePingsFirstAndTheCommandForTheRest) {
  std::vector<Reply> items;
  for (int i = 0; i < 5; ++i)
    items.push_back(Reply::Ok(Lang::kEn, "notice " + std::to_string(i) + "\ndetails"));
  std::string whole = DigestText(items, 7, Lang::kEn, 4000);
  EXPECT_THAT(whole, HasSubstr("5 messages"));
  EXPECT_THAT(whole, HasSubstr("notice 4\ndetails"));

  items.clear();
  for (int i = 0; i < 300; ++i)
    items.push_back(Reply::Ok(Lang::kEn, "notice " + std::to_string(i) + "\n" + std::string(40, 'x')));
  items[250].text = "assigned to @bob\nT-9";
  items[250].mention = {"bob"};
  std::string top = DigestText(items, 7, Lang::kEn, 1800);
  EXPECT_LE(top.size(), 1800u);
  EXPECT_THAT(top, HasSubstr("• notice 0\n• notice 1\n"));
  EXPECT_THAT(top, HasSubstr("• assigned to @bob"));  // the ping is shown though it comes late
  EXPECT_THAT(top, Not(HasSubstr("xxxx")));
  EXPECT_THAT(top, HasSubstr("`digest 7`"));
  EXPECT_THAT(top, HasSubstr("300 messages"));

  // Every first line fits, the texts do not: it says how to see them in full, not "0 more".
  std::vector<Reply> few(3, Reply::Ok(Lang::kEn, "short first line\n" + std::string(300, 'y')));
  std::string firsts = DigestText(few, 8, Lang::kEn, 800);
  EXPECT_THAT(firsts, HasSubstr("• short first line\n• short first line\n• short first line\n"));
  EXPECT_THAT(firsts, HasSubstr("Say `digest 8` to see each message in full."));
  EXPECT_THAT(firsts, Not(HasSubstr("0 more")));

  std::string zh = DigestText(items, 7, Lang::kZh, 1800);
  EXPECT_LE(zh.size(), 1800u);
  EXPECT_THAT(zh, HasSubstr("`摘要 7`"));
}

TEST(OutboxPreviewTest, OneLineOfTheTextCutOnceWithOneEllipsis) {
  OutboundMessage m;
  m.reply.text = "磁盘满\nT-1 on db-7";
  EXPECT_EQ(OutboxPreview(m.ToJson()), "磁盘满 T-1 on db-7");
  EXPECT_EQ(OutboxPreview(m.ToJson(), 5), "磁盘满 T…");
  EXPECT_EQ(OutboxPreview("not json at all", 8), "not json…");
}

}  // namespace
}  // namespace opsbot
