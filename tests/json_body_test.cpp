#include "bot/json_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace opsbot {
namespace {

using ::testing::HasSubstr;

TEST(JsonBodyTest, ParsesAnObject) {
  auto j = ParseJsonObject(R"({"a": [1, {"b": "x"}]})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["a"][1]["b"], "x");
}

TEST(JsonBodyTest, MalformedJsonNamesTheParseError) {
  auto j = ParseJsonObject(R"({"a": )");
  ASSERT_FALSE(j.ok());
  EXPECT_THAT(j.status().message(), HasSubstr("malformed JSON"));
  EXPECT_THAT(j.status().message(), HasSubstr("parse error"));
}

TEST(JsonBodyTest, NumberOutOfRangeIsMalformedNot500) {
  auto j = ParseJsonObject(R"({"user":"a","text":"b","n":1e400})");
  ASSERT_FALSE(j.ok());
  EXPECT_THAT(j.status().message(), HasSubstr("malformed JSON"));
}

TEST(JsonBodyTest, NonObjectIsRefused) {
  EXPECT_FALSE(ParseJsonObject("[1,2]").ok());
  EXPECT_FALSE(ParseJsonObject("\"x\"").ok());
}

TEST(JsonBodyTest, DeepNestingIsRefusedBeforeParsing) {
  std::string deep = "{\"a\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  auto j = ParseJsonObject(deep);
  ASSERT_FALSE(j.ok());
  EXPECT_THAT(j.status().message(), HasSubstr("nested deeper than 32"));
}

TEST(JsonBodyTest, BracketsInsideStringsDoNotCount) {
  EXPECT_EQ(JsonNestingDepth(R"({"t": "[[[[[[[[[[ \" [[[["})", 100), 1);
  EXPECT_EQ(JsonNestingDepth("[[[]]]", 100), 3);
  EXPECT_TRUE(ParseJsonObject(R"({"t": ")" + std::string(100, '[') + "\"}").ok());
}

TEST(JsonBodyTest, ErrorBodyIsJsonEvenForInvalidUtf8) {
  std::string body = JsonError("bad_request", std::string("bad \xff byte"), {{"user", "required"}});
  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["error"], "bad_request");
  EXPECT_EQ(j["fields"]["user"], "required");
}

}  // namespace
}  // namespace opsbot
