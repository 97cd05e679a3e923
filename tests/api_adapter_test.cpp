#include "adapters/api/api_adapter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace opsbot {
namespace {

using ::testing::HasSubstr;

TEST(ApiAdapterTest, ValidMessageBecomesAnApiMessage) {
  auto r = ParseMessageRequest(R"({"user":"alice","chat":"ops-room","text":"ticket list"})");
  ASSERT_TRUE(r.message);
  EXPECT_EQ(r.message->channel, Channel::kApi);
  EXPECT_EQ(r.message->user, "alice");
  EXPECT_EQ(r.message->chat, "ops-room");
  EXPECT_EQ(r.message->text, "ticket list");
}

TEST(ApiAdapterTest, MissingAndMistypedFieldsAreNamed) {
  auto r = ParseMessageRequest(R"({"chat": 5, "text": ["x"]})");
  ASSERT_FALSE(r.message);
  EXPECT_EQ(r.status, 400);
  auto body = nlohmann::json::parse(r.error_body);
  EXPECT_EQ(body["error"], "invalid_fields");
  EXPECT_EQ(body["fields"]["user"], "required");
  EXPECT_EQ(body["fields"]["chat"], "must be a string");
  EXPECT_EQ(body["fields"]["text"], "must be a string");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("chat, text, user"));
}

TEST(ApiAdapterTest, EmptyAndOversizedTextAreRefused) {
  EXPECT_FALSE(ParseMessageRequest(R"({"user":"a","text":""})").message);
  std::string big = R"({"user":"a","text":")" + std::string(9000, 'x') + "\"}";
  auto r = ParseMessageRequest(big);
  ASSERT_FALSE(r.message);
  EXPECT_THAT(r.error_body, HasSubstr("longer than"));
}

TEST(ApiAdapterTest, MalformedJsonIs400WithTheParseError) {
  auto r = ParseMessageRequest("{\"user\":");
  ASSERT_FALSE(r.message);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.error_body, HasSubstr("malformed JSON"));
}

TEST(ApiAdapterTest, ReplyJsonCarriesOutcomeAndMentions) {
  Reply reply = Reply::Ok(Lang::kZh, "已创建");
  reply.command = "ticket.new";
  reply.mention = {"bob"};
  auto j = nlohmann::json::parse(ReplyJson(reply));
  EXPECT_EQ(j["reply"], "已创建");
  EXPECT_EQ(j["outcome"], "ok");
  EXPECT_EQ(j["lang"], "zh");
  EXPECT_EQ(j["mentions"][0], "bob");
}

// The body the API sent when nlohmann built it: same keys, same order, same escapes.
TEST(ApiAdapterTest, ReplyJsonIsTheBodyNlohmannWouldWrite) {
  Reply plain = Reply::Refused(Lang::kEn, "line \"one\"\n\tline\\two \x01 \xff");
  Reply full = Reply::Ok(Lang::kZh, "工单 T-1 · @bob");
  full.command = "ticket.new";
  full.mention = {"bob", "张伟"};
  for (const Reply& r : {plain, full}) {
    nlohmann::json j = {{"reply", r.text},
                        {"outcome", OutcomeName(r.outcome)},
                        {"command", r.command.empty() ? nlohmann::json() : nlohmann::json(r.command)},
                        {"lang", LangCode(r.lang)},
                        {"mentions", r.mention}};
    EXPECT_EQ(ReplyJson(r), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace
}  // namespace opsbot
