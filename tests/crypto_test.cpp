// Unit tests for bot/crypto.h: base64 against RFC 4648 §10, HMAC-SHA256 against RFC 4231 case 2.
#include "bot/crypto.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

TEST(Crypto, Base64MatchesRfc4648) {
  const std::pair<const char*, const char*> kCases[] = {{"", ""},
                                                        {"f", "Zg=="},
                                                        {"fo", "Zm8="},
                                                        {"foo", "Zm9v"},
                                                        {"foob", "Zm9vYg=="},
                                                        {"fooba", "Zm9vYmE="},
                                                        {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : kCases) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Crypto, Base64DecodeIsStrict) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v\n", "Zm 9v", "Zm9v====", "Zg=a", "Z-_v", "Zm=v"})
    EXPECT_EQ(Base64Decode(bad), std::nullopt) << bad;
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2InPieces) {
  auto d = HmacSha256("Jefe", {"what do ya want ", "for nothing?"});
  ASSERT_TRUE(d);
  EXPECT_EQ(HexLower(DigestBytes(*d)), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, ConstantTimeEqualComparesLengthAndBytes) {
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST(Crypto, ParseDecimalTakesDigitsOnly) {
  EXPECT_EQ(ParseDecimal("1577262236757"), 1577262236757);
  for (const char* bad : {"", "-1", "+1", "1.0", " 1", "1 ", "1234567890123456789"})
    EXPECT_EQ(ParseDecimal(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace opsbot
