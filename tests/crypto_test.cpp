// Unit tests for bot/crypto.h: base64 against RFC 4648 §10, HMAC-SHA256 against RFC 4231 cases 1 and 2,
// SHA-256 against FIPS 180-2's "abc".
#include "bot/crypto.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>

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

// The decoder as it was before its table (bytes tested one by one), to hold the table-driven one to.
std::optional<std::string> ReferenceBase64Decode(std::string_view text) {
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const int pad = i + 4 == text.size() ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (pad == 1 && text[i + 2] == '=') return std::nullopt;
    unsigned v = 0;
    for (int j = 0; j < 4 - pad; ++j) {
      const int d = value(text[i + static_cast<std::size_t>(j)]);
      if (d < 0) return std::nullopt;
      v = v << 6 | static_cast<unsigned>(d);
    }
    v <<= 6 * pad;
    out += static_cast<char>(v >> 16 & 0xFF);
    if (pad < 2) out += static_cast<char>(v >> 8 & 0xFF);
    if (pad < 1) out += static_cast<char>(v & 0xFF);
  }
  return out;
}

TEST(Crypto, Base64DecodeAgreesWithTheByteByByteDecoderOnRandomInput) {
  std::mt19937 rng(20261207);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int round = 0; round < 3000; ++round) {
    std::string bytes(rng() % 200, '\0');
    for (char& c : bytes)
      c = static_cast<char>(rng());
    std::string text = Base64Encode(bytes);
    ASSERT_EQ(Base64Decode(text), std::optional<std::string>(bytes));
    // Then damage it: a byte from anywhere (or '=' or the alphabet) put anywhere, or the text cut short.
    if (!text.empty()) {
      const std::size_t at = rng() % text.size();
      const unsigned pick = rng() % 3;
      text[at] = pick == 0 ? '=' : pick == 1 ? alphabet[rng() % 64] : static_cast<char>(rng());
      if (rng() % 4 == 0) text.resize(rng() % text.size());
    }
    EXPECT_EQ(Base64Decode(text), ReferenceBase64Decode(text)) << text;
  }
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
