#include "bot/json_dom.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace opsbot {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

simdjson::dom::object Object(const JsonDom& dom) {
  simdjson::dom::object o;
  EXPECT_EQ(dom.root().get_object().get(o), simdjson::SUCCESS);
  return o;
}

TEST(JsonDomTest, TheLastOfDuplicateKeysCounts) {
  JsonDom dom(R"({"a":"1","b":null,"a":"2","c":{"a":"inner"}})");
  ASSERT_TRUE(dom.ok()) << dom.error();
  auto o = Object(dom);
  EXPECT_EQ(*StringMember(LastMember(o, "a"), "a", 10), "2");
  EXPECT_EQ(*StringMember(LastMember(o, "b"), "b", 10), "");  // null
  EXPECT_EQ(*StringMember(LastMember(o, "z"), "z", 10), "");  // absent
  EXPECT_FALSE(LastMember(o, "z").has_value());
}

TEST(JsonDomTest, StringMemberRefusesOtherTypesAndLongValues) {
  JsonDom dom(R"({"n":1,"o":{},"s":"abcdef"})");
  ASSERT_TRUE(dom.ok());
  auto o = Object(dom);
  EXPECT_EQ(StringMember(LastMember(o, "n"), "n", 10).status().message(), "field 'n' must be a string");
  EXPECT_EQ(StringMember(LastMember(o, "o"), "o", 10).status().message(), "field 'o' must be a string");
  EXPECT_EQ(StringMember(LastMember(o, "s"), "s", 5).status().message(), "field 's' is too long");
  EXPECT_EQ(*StringMember(LastMember(o, "s"), "s", 6), "abcdef");
}

// simdjson refuses a byte-order mark and integers past 64 bits; nlohmann takes them, and the DOM holds them
// as nlohmann re-serialised them (the integer as a floating-point number, as nlohmann reads it).
TEST(JsonDomTest, WhatOnlySimdjsonRefusesIsReadAsNlohmannReadsIt) {
  JsonDom bom("\xEF\xBB\xBF{\"a\":\"x\"}");
  ASSERT_TRUE(bom.ok()) << bom.error();
  EXPECT_EQ(*StringMember(LastMember(Object(bom), "a"), "a", 10), "x");

  JsonDom big(R"({"n":18446744073709551616,"a":"y"})");
  ASSERT_TRUE(big.ok()) << big.error();
  auto o = Object(big);
  EXPECT_EQ(LastMember(o, "n")->type(), simdjson::dom::element_type::DOUBLE);
  EXPECT_EQ(*StringMember(LastMember(o, "a"), "a", 10), "y");
}

TEST(JsonDomTest, MalformedBodiesGetNlohmannsWords) {
  for (const char* body : {"", "{", R"({"a":tru})", "{} x", R"({"a":1e400})", "{\"a\":\"\xff\"}"}) {
    JsonDom dom(body);
    EXPECT_FALSE(dom.ok()) << body;
    EXPECT_THAT(dom.error(), StartsWith("malformed JSON: [json.exception.")) << body;
  }
}

// The limit counts levels as JsonNestingDepth does, whatever the innermost value: simdjson's own limit
// refuses a body exactly that deep around a non-empty value, which the fallback must then read.
TEST(JsonDomTest, TheDepthLimitCountsEveryLevel) {
  const auto nest = [](int depth, const std::string& inner) {
    return std::string(depth, '[') + inner + std::string(depth, ']');
  };
  for (int limit : {32, JsonDom::kMaxDepth}) {
    for (const std::string inner : {"", "1", "{}", "{\"a\":1}"}) {
      const int extra = inner.empty() || inner[0] != '{' ? 0 : 1;  // an object inside is a level too
      EXPECT_TRUE(JsonDom(nest(limit - extra, inner), limit).ok()) << limit << " " << inner;
      JsonDom deeper(nest(limit + 1 - extra, inner), limit);
      EXPECT_FALSE(deeper.ok()) << limit << " " << inner;
      EXPECT_EQ(deeper.error(), "JSON nested deeper than " + std::to_string(limit) + " levels");
    }
  }
}

TEST(JsonDomTest, DeepNestingIsRefusedWithoutRecursing) {
  const std::string deep = "{\"a\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  JsonDom dom(deep);
  EXPECT_FALSE(dom.ok());
  EXPECT_THAT(dom.error(), HasSubstr("nested deeper than 256"));
  const std::string fine = "{\"a\":" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_TRUE(JsonDom(fine).ok());
}

}  // namespace
}  // namespace opsbot
