#include "bot/json_string.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

namespace opsbot {
namespace {

std::string Ours(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

std::string Nlohmanns(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonStringTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(Ours("plain"), R"("plain")");
  EXPECT_EQ(Ours("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Ours("\b\t\n\f\r"), R"("\b\t\n\f\r")");
  EXPECT_EQ(Ours(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Ours(""), R"("")");
}

TEST(JsonStringTest, KeepsValidUtf8AsItIs) {
  EXPECT_EQ(Ours("工单 T-1 · 🚨"), "\"工单 T-1 · 🚨\"");
}

TEST(JsonStringTest, ReplacesEachInvalidSequenceOnce) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Ours("a\x80z"), "\"a" + r + "z\"");                      // a lone continuation byte
  EXPECT_EQ(Ours("\xC0\xAF"), "\"" + r + r + "\"");                  // an overlong form: two bad bytes
  EXPECT_EQ(Ours("\xE4\xB8"), "\"" + r + "\"");                      // cut short at the end
  EXPECT_EQ(Ours("\xE4\xB8z"), "\"" + r + "z\"");                    // cut short by ASCII, which stays
  EXPECT_EQ(Ours("\xED\xA0\x80"), "\"" + r + r + r + "\"");          // a surrogate
  EXPECT_EQ(Ours("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // past U+10FFFF
}

// Byte for byte what nlohmann writes, on the cases above and on random bytes biased towards UTF-8's
// interesting values, so every branch of both decoders is reached.
TEST(JsonStringTest, MatchesNlohmannOnRandomBytes) {
  const unsigned char interesting[] = {0x00, 0x08, 0x1f, 0x20, '"',  '\\', 'a',  0x7f, 0x80, 0x8f,
                                       0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
                                       0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
  std::mt19937 rng(20261207);
  for (int round = 0; round < 200000; ++round) {
    std::string s(rng() % 12, '\0');
    for (char& c : s)
      c = static_cast<char>(rng() % 2 ? interesting[rng() % sizeof interesting] : rng() % 256);
    ASSERT_EQ(Ours(s), Nlohmanns(s)) << "round " << round;
  }
}

// Longer text, mostly plain with the odd byte that is not, at every offset of the eight-byte words the plain
// runs are scanned in.
TEST(JsonStringTest, MatchesNlohmannOnMostlyPlainText) {
  const unsigned char odd[] = {0x00, 0x1f, '"',  '\\', 0x7f, 0x80, 0xc2, 0xb7,
                               0xe4, 0xbd, 0xa0, 0xff, 0x20, 0x21, 0x5b, 0x5d};
  std::mt19937 rng(20261208);
  for (int round = 0; round < 100000; ++round) {
    std::string s(rng() % 40, '\0');
    for (char& c : s)
      c = static_cast<char>(rng() % 12 ? 0x20 + rng() % 0x60 : odd[rng() % sizeof odd]);
    ASSERT_EQ(Ours(s), Nlohmanns(s)) << "round " << round;
  }
}

TEST(JsonStringTest, WritesAnArrayOfStrings) {
  std::string out;
  AppendJsonStrings(out, {});
  AppendJsonStrings(out, {"a", "b\"c"});
  EXPECT_EQ(out, R"([]["a","b\"c"])");
}

TEST(JsonStringTest, AnEmptyStringCanBeNull) {
  std::string out;
  AppendJsonStringOrNull(out, "");
  AppendJsonStringOrNull(out, "x");
  EXPECT_EQ(out, R"(null"x")");
}

TEST(JsonStringTest, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString(out, "v");
  EXPECT_EQ(out, R"({"k":"v")");
}

}  // namespace
}  // namespace opsbot
