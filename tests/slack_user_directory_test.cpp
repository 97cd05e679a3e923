// Unit tests for adapters/slack/slack_user_directory.h: who is asked about, what is filled in, and how
// long an answer (or a failure) is kept.
#include "adapters/slack/slack_user_directory.h"

#include <gtest/gtest.h>

#include <set>

namespace opsbot {
namespace {

class SlackUserDirectoryTest : public ::testing::Test {
 protected:
  SlackUserDirectory Directory() {
    return SlackUserDirectory({[this](const std::string& id) { return known_.count(id) > 0; },
                               [this](const std::string& id) -> Result<SlackUser> {
                                 ++calls_;
                                 if (failing_) return Status::Unavailable("users.info: Connection");
                                 if (id == "U1")
                                   return SlackUser{"lihua", "Li Hua", "zh-CN", "Asia/Shanghai"};
                                 if (id == "U2") return SlackUser{"amy", "Amy", "fr-FR", "Mars/Olympus"};
                                 return Status::NotFound("users.info: user_not_found");
                               },
                               clock_});
  }
  static InboundMessage From(const std::string& user) {
    InboundMessage m;
    m.channel = Channel::kSlack;
    m.user = user;
    return m;
  }

  FakeClock clock_{1700000000};
  std::set<std::string> known_;
  bool failing_ = false;
  int calls_ = 0;
};

TEST_F(SlackUserDirectoryTest, AnUnknownUserIsDescribedOnceFromTheirSlackProfile) {
  SlackUserDirectory d = Directory();
  InboundMessage m = From("U1");
  d.Describe(m);
  EXPECT_EQ(m.user_name, "lihua");
  EXPECT_EQ(m.user_language, Lang::kZh);
  EXPECT_EQ(m.user_timezone, "Asia/Shanghai");
  InboundMessage again = From("U1");
  d.Describe(again);
  EXPECT_EQ(again.user_language, Lang::kZh);
  EXPECT_EQ(calls_, 1);
  clock_.Advance(SlackUserDirectory::kKeepFound + 1);
  d.Describe(again);
  EXPECT_EQ(calls_, 2);
}

TEST_F(SlackUserDirectoryTest, AKnownUserIsNotAskedAboutAndTheStoreOnlyOnceInAWhile) {
  known_.insert("U1");
  int store_queries = 0;
  SlackUserDirectory d({[&](const std::string& id) {
                          ++store_queries;
                          return known_.count(id) > 0;
                        },
                        [this](const std::string&) -> Result<SlackUser> {
                          ++calls_;
                          return SlackUser{};
                        },
                        clock_});
  InboundMessage m = From("U1");
  d.Describe(m);
  d.Describe(m);
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(store_queries, 1);
  EXPECT_EQ(m.user_name, "");
  EXPECT_FALSE(m.user_language);
  clock_.Advance(SlackUserDirectory::kKeepKnown + 1);
  d.Describe(m);
  EXPECT_EQ(store_queries, 2);
}

TEST_F(SlackUserDirectoryTest, OtherLocalesAndUnknownZonesAreLeftToTheDefaults) {
  SlackUserDirectory d = Directory();
  InboundMessage m = From("U2");
  d.Describe(m);
  EXPECT_EQ(m.user_name, "amy");
  EXPECT_FALSE(m.user_language);   // French: the chat's language or the default
  EXPECT_EQ(m.user_timezone, "");  // not an IANA zone
}

TEST_F(SlackUserDirectoryTest, AFailureIsKeptForAFewMinutesThenAskedAgain) {
  failing_ = true;
  SlackUserDirectory d = Directory();
  InboundMessage m = From("U1");
  d.Describe(m);
  EXPECT_EQ(m.user_name, "");
  d.Describe(m);
  EXPECT_EQ(calls_, 1);
  failing_ = false;
  clock_.Advance(SlackUserDirectory::kKeepFailed + 1);
  d.Describe(m);
  EXPECT_EQ(calls_, 2);
  EXPECT_EQ(m.user_name, "lihua");
}

TEST(LangFromLocale, ReadsThePrimaryLanguageOnly) {
  EXPECT_EQ(LangFromLocale("zh-CN"), Lang::kZh);
  EXPECT_EQ(LangFromLocale("zh-Hant-TW"), Lang::kZh);
  EXPECT_EQ(LangFromLocale("zh"), Lang::kZh);
  EXPECT_EQ(LangFromLocale("en-US"), Lang::kEn);
  EXPECT_EQ(LangFromLocale("fr-FR"), std::nullopt);
  EXPECT_EQ(LangFromLocale(""), std::nullopt);
  EXPECT_EQ(LangFromLocale("zhx-CN"), std::nullopt);
}

}  // namespace
}  // namespace opsbot
