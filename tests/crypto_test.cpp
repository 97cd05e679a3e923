// Unit tests for bot/crypto.h: base64 against RFC 4648 §10, HMAC-SHA256 against RFC 4231 cases 1 and 2,
// SHA-256 against FIPS 180-2's "abc".
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

// Each thread keeps a keyed context per recent key: a key must never answer with another's context, also
// after more keys than it keeps have pushed it out.
TEST(Crypto, HmacSha256KeepsKeysApartAcrossManyKeys) {
  const std::string kCase1Key(20, '\x0b');
  const char* kCase1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  const char* kCase2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const char* kEmpty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  auto hex = [](std::optional<Sha256Digest> d) { return d ? HexLower(DigestBytes(*d)) : "failed"; };
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex(HmacSha256("Jefe", {"what do ya want for nothing?"})), kCase2);
    EXPECT_EQ(hex(HmacSha256(kCase1Key, {"Hi ", "There"})), kCase1);
    EXPECT_EQ(hex(HmacSha256("", {})), kEmpty);
    EXPECT_NE(hex(HmacSha256("Jef", {"what do ya want for nothing?"})), kCase2);
    for (int k = 0; k < 10 * round; ++k)
      ASSERT_TRUE(HmacSha256("key-" + std::to_string(k), {"x"}));
  }
}

TEST(Crypto, Sha256MatchesFips180Abc) {
  auto d = Sha256("abc");
  ASSERT_TRUE(d);
  EXPECT_EQ(HexLower(DigestBytes(*d)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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
