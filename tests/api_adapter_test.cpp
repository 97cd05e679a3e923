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

}  // namespace
}  // namespace opsbot
