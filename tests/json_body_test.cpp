#include "bot/json_body.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

// What the DOM makes of `body`, in ReadJsonMembers' shape: its error, or each named member as the DOM holds
// it.
std::string DomMembers(const std::string& body, const std::vector<std::string_view>& names) {
  auto j = ParseJsonObject(body);
  if (!j.ok()) return "error: " + j.status().message();
  std::string out;
  for (std::string_view name : names) {
    auto it = j->find(std::string(name));
    out += it == j->end()    ? "absent"
           : it->is_null()   ? "null"
           : it->is_string() ? "\"" + it->get<std::string>()
                             : "other";
    out += ';';
  }
  return out;
}

std::string Shown(const std::vector<JsonMember>& members) {
  std::string out;
  for (const JsonMember& m : members) {
    const char* kinds[] = {"absent", "null", "", "other"};
    out += m.state == JsonMember::kString ? "\"" + m.value : kinds[m.state];
    out += ';';
  }
  return out;
}

std::string SaxMembers(const std::string& body, const std::vector<std::string_view>& names) {
  std::vector<JsonMember> members(names.size());
  Status read = ReadJsonMembers(body, names, members);
  return read.ok() ? Shown(members) : "error: " + read.message();
}

// simdjson's reading alone, ReadJsonMembers' first: "refused" where it leaves the body to nlohmann's.
std::string SimdjsonMembers(const std::string& body, const std::vector<std::string_view>& names) {
  std::vector<JsonMember> members(names.size());
  return detail::ReadJsonMembersBySimdjson(body, names, members) ? Shown(members) : "refused";
}

// Every kind of value for every member, given once or twice (the last counts), nested members of the same
// name that must not count, and bodies that are malformed or not objects, whatever they start with: the same
// members and the same error messages as ParseJsonObject's DOM.
TEST(JsonBodyTest, ReadJsonMembersReadsWhatTheDomReads) {
  const std::vector<std::string_view> names = {"user", "chat", "text"};
  const std::vector<std::string> values = {"null",
                                           "0",
                                           "-1",
                                           "18446744073709551616",
                                           "1.5",
                                           "1e400",
                                           "true",
                                           "false",
                                           "\"\"",
                                           "\"a\"",
                                           "\"\\u00e9\\\"\"",
                                           "[]",
                                           "[\"x\"]",
                                           "{}",
                                           R"({"user":"inner"})",
                                           R"([{"text":"inner"}])",
                                           "\"\xff\"",
                                           "\"\\udc00\"",
                                           "\"\\ud800\\u1234\"",
                                           "nul",
                                           "[",
                                           "{"};
  const std::vector<std::string> keys = {"user", "chat", "text", "other", "User"};
  std::mt19937 rng(20261207);
  int compared = 0, read_fast = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string body = "{";
    const int members = static_cast<int>(rng() % 5);
    for (int i = 0; i < members; ++i) {
      if (i) body += ",";
      body += "\"" + keys[rng() % keys.size()] + "\":" + values[rng() % values.size()];
    }
    body += "}";
    const std::string dom = DomMembers(body, names);
    ASSERT_EQ(SaxMembers(body, names), dom) << body;
    // simdjson reads every body the DOM reads, alike, but for the integer past 64 bits it leaves to nlohmann.
    const std::string fast = SimdjsonMembers(body, names);
    if (dom.starts_with("error: ") || body.find("18446744073709551616") != std::string::npos) {
      ASSERT_TRUE(fast == "refused" || fast == dom) << body;
    } else {
      ASSERT_EQ(fast, dom) << body;
      ++read_fast;
    }
    ++compared;
  }
  for (const std::string& body :
       std::vector<std::string>{"", " ", "{", "}", "{}", "[]", "[1,", "\"x\"", "\"x", "1", "null", "{} x",
                                "{}{}", "[{\"user\":\"a\"}]", std::string(40, '[') + std::string(40, ']'),
                                "{\"user\":\"a\",}", "{\"user\" \"a\"}"}) {
    EXPECT_EQ(SaxMembers(body, names), DomMembers(body, names)) << body;
  }
  EXPECT_EQ(SaxMembers(R"({"user":"a","user":"b","chat":{"chat":"c"}})", names), "\"b;other;absent;");
  EXPECT_EQ(SimdjsonMembers(R"({"user":"a","user":"b","chat":{"chat":"c"}})", names), "\"b;other;absent;");
  EXPECT_GT(compared, 3000);
  EXPECT_GT(read_fast, 1000);
}

// What simdjson alone refuses, nlohmann's reading takes: a byte-order mark, an integer past 64 bits, and a
// body over simdjson's size limit (which simdjson never sees); what both refuse gets nlohmann's words.
TEST(JsonBodyTest, ReadJsonMembersFallsBackToNlohmannWhereSimdjsonRefuses) {
  const std::vector<std::string_view> names = {"user", "text"};
  const std::string big_text(detail::kSimdjsonMaxBytes, 'x');
  for (const std::string& body :
       {std::string("\xEF\xBB\xBF{\"user\":\"a\"}"), std::string(R"({"user":"a","n":18446744073709551616})"),
        R"({"user":"a","text":")" + big_text + "\"}"}) {
    // Refused by simdjson 3.0 (a later one may read the first two itself, the same way).
    const std::string fast = SimdjsonMembers(body, names);
    EXPECT_TRUE(fast == "refused" ||
                (body.size() <= detail::kSimdjsonMaxBytes && fast == DomMembers(body, names)))
        << body.substr(0, 40);
    EXPECT_EQ(SaxMembers(body, names), DomMembers(body, names)) << body.substr(0, 40);
    EXPECT_THAT(SaxMembers(body, names), ::testing::StartsWith("\"a;")) << body.substr(0, 40);
  }
  EXPECT_THAT(SaxMembers(R"({"user":tru})", names),
              HasSubstr("malformed JSON: [json.exception.parse_error.101]"));
}

}  // namespace
}  // namespace opsbot
