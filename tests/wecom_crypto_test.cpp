// Unit tests for adapters/wecom/wecom_crypto.h against test vectors T2a, T2b and T3
// (shared/protocols.md §4), and the decrypt's refusals of every malformed envelope.
#include "adapters/wecom/wecom_crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "bot/crypto.h"

namespace opsbot {
namespace {

constexpr char kVectorToken[] = "QDG6eK";
constexpr char kAesKey[] = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr char kVectorCorpId[] = "wx5823bf96d3bd56c7";

constexpr char kT2aEchostr[] =
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
constexpr char kT2bEncrypt[] =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
    "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+"
    "HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+"
    "BCA9nMELNqbSf6tiWSrXJB3LAVGUc"
    "allcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/"
    "uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/"
    "T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
constexpr char kT2bMsg[] =
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>";
constexpr char kT3Encrypt[] =
    "sKqRbbiSUnDhFHOvPjtUMd2aKGsnO1wGUhhgmucZyOooAmp9WiC5uDkjoOv6eP1l5uh45DeEw9aco5AR3vyVtA==";

WeComKey T2Key() {
  auto k = ParseEncodingAesKey(kAesKey);
  EXPECT_TRUE(k.has_value());
  return k.value_or(WeComKey{});
}

// AES-256-CBC of whole blocks with the key's IV and no padding: lets a test build any plaintext it likes.
std::string RawEncrypt(const WeComKey& key, const std::string& plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(plain.size() + 16, '\0');
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  bool ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.aes.data(), key.aes.data()) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_EncryptUpdate(ctx, o, &n, reinterpret_cast<const unsigned char*>(plain.data()),
                              static_cast<int>(plain.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx, o + n, &tail) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EXPECT_TRUE(ok);
  out.resize(static_cast<std::size_t>(n + tail));
  return Base64Encode(out);
}

// Its inverse, for base64 input.
std::string RawDecrypt(const WeComKey& key, const std::string& b64) {
  auto in = Base64Decode(b64);
  EXPECT_TRUE(in.has_value());
  if (!in) return "";
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(in->size() + 16, '\0');
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.aes.data(), key.aes.data()) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_DecryptUpdate(ctx, o, &n, reinterpret_cast<const unsigned char*>(in->data()),
                              static_cast<int>(in->size())) == 1 &&
            EVP_DecryptFinal_ex(ctx, o + n, &tail) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EXPECT_TRUE(ok);
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

std::string BigEndian(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16 & 0xFF), static_cast<char>(v >> 8 & 0xFF),
          static_cast<char>(v & 0xFF)};
}

// random ‖ msg_len ‖ msg ‖ id, without any padding yet.
std::string Content(std::uint32_t msg_len, const std::string& msg, const std::string& id) {
  return "0123456789abcdef" + BigEndian(msg_len) + msg + id;
}

std::string Pkcs7To32(std::string s) {
  std::size_t pad = 32 - s.size() % 32;
  s.append(pad, static_cast<char>(pad));
  return s;
}

void ExpectInvalid(const Result<std::string>& r, const std::string& reason) {
  ASSERT_FALSE(r.ok()) << "decrypted to: " << r.value();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), reason);
}

TEST(WeComCrypto, ParsesTheT2KeyLeniently) {
  auto k = ParseEncodingAesKey(kAesKey);
  ASSERT_TRUE(k.has_value());
  std::string bytes(reinterpret_cast<const char*>(k->aes.data()), k->aes.size());
  EXPECT_EQ(HexLower(bytes), "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760");
  // The canonical spelling (…B2A) carries the same 256 bits.
  auto canonical = ParseEncodingAesKey("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2A");
  ASSERT_TRUE(canonical.has_value());
  EXPECT_EQ(canonical->aes, k->aes);
}

TEST(WeComCrypto, RefusesAKeyThatIsNot43Alphanumerics) {
  std::string key = kAesKey;
  EXPECT_FALSE(ParseEncodingAesKey(key.substr(0, 42)).has_value());
  EXPECT_FALSE(ParseEncodingAesKey(key + "A").has_value());
  EXPECT_FALSE(ParseEncodingAesKey(key + "=").has_value());
  EXPECT_FALSE(ParseEncodingAesKey("").has_value());
  for (char bad : {'+', '/', '=', '-', '_', ' ', '\0', '\xC3'}) {
    std::string k = key;
    k[10] = bad;
    EXPECT_FALSE(ParseEncodingAesKey(k).has_value()) << static_cast<int>(bad);
  }
}

TEST(WeComCrypto, VectorT2aGetVerification) {
  EXPECT_EQ(WeComSignature(kVectorToken, "1409659589", "263014780", kT2aEchostr),
            "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, "1409659589", "263014780", kT2aEchostr,
                                 "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"),
            SignatureCheck::kOk);
  auto plain = WeComDecrypt(T2Key(), kT2aEchostr, kVectorCorpId);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain, "1616140317555161061");
}

TEST(WeComCrypto, VectorT2bPostMessage) {
  EXPECT_EQ(WeComSignature(kVectorToken, "1409659813", "1372623149", kT2bEncrypt),
            "477715d11cdb4164915debcba66cb864d751f3e6");
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, "1409659813", "1372623149", kT2bEncrypt,
                                 "477715d11cdb4164915debcba66cb864d751f3e6"),
            SignatureCheck::kOk);
  auto plain = WeComDecrypt(T2Key(), kT2bEncrypt, kVectorCorpId);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain, kT2bMsg);
  EXPECT_EQ(plain->size(), 284u);
}

TEST(WeComCrypto, VectorT3EncryptsExactly) {
  std::string enc = WeComEncrypt(T2Key(), "hello", kVectorCorpId, "0123456789abcdef");
  EXPECT_EQ(enc, kT3Encrypt);
  EXPECT_EQ(WeComSignature(kVectorToken, "1409659813", "1372623149", enc),
            "6963916188a9972dd57e779c6eb680b07cf4fa99");
  auto plain = WeComDecrypt(T2Key(), enc, kVectorCorpId);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(*plain, "hello");
}

TEST(WeComCrypto, RandomIvRoundTripsAndDiffers) {
  const WeComKey key = T2Key();
  std::string a = WeComEncrypt(key, kT2bMsg, kVectorCorpId);
  std::string b = WeComEncrypt(key, kT2bMsg, kVectorCorpId);
  EXPECT_NE(a, b);
  for (const std::string& enc : {a, b}) {
    auto plain = WeComDecrypt(key, enc, kVectorCorpId);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(*plain, kT2bMsg);
  }
  // The random prefix is 16 alphanumerics.
  std::string plain = RawDecrypt(key, a);
  ASSERT_GE(plain.size(), 16u);
  for (std::size_t i = 0; i < 16; ++i)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(plain[i]))) << i;
}

TEST(WeComCrypto, RoundTripsEveryPadLengthAndTheSmartBotReceiveId) {
  const WeComKey key = T2Key();
  for (std::size_t n = 0; n <= 70; ++n) {  // content 20 + n bytes: every pad value 1..32 occurs
    std::string msg(n, static_cast<char>('a' + n % 26));
    for (const char* id : {kVectorCorpId, ""}) {
      std::string enc = WeComEncrypt(key, msg, id, "ABCDEFGHIJKLMNOP");
      auto raw = Base64Decode(enc);
      ASSERT_TRUE(raw.has_value());
      EXPECT_EQ(raw->size() % 32, 0u) << n;
      EXPECT_GT(raw->size(), 20 + n + std::string(id).size()) << n;
      auto plain = WeComDecrypt(key, enc, id);
      ASSERT_TRUE(plain.ok()) << n << " " << plain.status().ToString();
      EXPECT_EQ(*plain, msg);
    }
  }
  // Binary messages survive, NULs included.
  std::string binary("\0\x01\xFF\x80 x\0", 7);
  auto plain = WeComDecrypt(key, WeComEncrypt(key, binary, ""), "");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, binary);
}

TEST(WeComCrypto, EncryptRefusesARandomPrefixThatIsNot16Bytes) {
  EXPECT_EQ(WeComEncrypt(T2Key(), "hello", kVectorCorpId, "0123456789abcde"), "");
  EXPECT_EQ(WeComEncrypt(T2Key(), "hello", kVectorCorpId, "0123456789abcdef0"), "");
}

TEST(WeComCrypto, TamperedCiphertextNeverYieldsTheOriginal) {
  const WeComKey key = T2Key();
  const std::string original = kT2bEncrypt;
  // Every character but the padding and the one before it (whose low bits are not data).
  for (std::size_t i = 0; i + 3 < original.size(); ++i) {
    std::string t = original;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    auto r = WeComDecrypt(key, t, kVectorCorpId);
    EXPECT_TRUE(!r.ok() || r.value() != kT2bMsg) << "position " << i;
  }
  std::string t = kT3Encrypt;
  t[5] = t[5] == 'x' ? 'y' : 'x';
  auto r = WeComDecrypt(key, t, kVectorCorpId);
  EXPECT_TRUE(!r.ok() || r.value() != "hello");
}

TEST(WeComCrypto, WrongKeyFailsToDecrypt) {
  auto other = ParseEncodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
  ASSERT_TRUE(other.has_value());
  for (const char* enc : {kT2aEchostr, kT2bEncrypt, kT3Encrypt})
    EXPECT_FALSE(WeComDecrypt(*other, enc, kVectorCorpId).ok());
}

TEST(WeComCrypto, WrongReceiveIdIsRefused) {
  const WeComKey key = T2Key();
  ExpectInvalid(WeComDecrypt(key, kT2bEncrypt, "wx5823bf96d3bd56c8"), "wrong receive id");
  ExpectInvalid(WeComDecrypt(key, kT2bEncrypt, ""), "wrong receive id");
  ExpectInvalid(WeComDecrypt(key, kT2bEncrypt, "wx5823bf96d3bd56c"), "wrong receive id");
  ExpectInvalid(WeComDecrypt(key, kT2bEncrypt, std::string(kVectorCorpId) + "7"), "wrong receive id");
  ExpectInvalid(WeComDecrypt(key, WeComEncrypt(key, "hi", ""), kVectorCorpId), "wrong receive id");
}

TEST(WeComCrypto, BadPaddingIsRefused) {
  const WeComKey key = T2Key();
  const std::string content = Content(5, "hello", kVectorCorpId);  // 43 bytes; a good pad would be 21
  // Sanity: the well-padded version decrypts, so what follows fails for the pad alone.
  auto good = WeComDecrypt(key, RawEncrypt(key, Pkcs7To32(content)), kVectorCorpId);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(*good, "hello");

  std::string zero = content + std::string(20, '\x15') + '\0';  // last byte 0
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, zero), kVectorCorpId), "bad padding");
  std::string big = content + std::string(21, '\x21');  // 33: above the 32 WeCom pads to
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, big), kVectorCorpId), "bad padding");
  std::string mixed = content + std::string(21, '\x15');
  mixed[50] = '\x14';  // one byte inside the pad differs
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, mixed), kVectorCorpId), "bad padding");
  std::string first = content + std::string(21, '\x15');
  first[43] = '\x16';  // the pad's first byte differs
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, first), kVectorCorpId), "bad padding");
  std::string huge = content + std::string(21, '\xFF');
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, huge), kVectorCorpId), "bad padding");
}

TEST(WeComCrypto, TruncatedInputIsRefused) {
  const WeComKey key = T2Key();
  const std::string t2b = kT2bEncrypt;
  ExpectInvalid(WeComDecrypt(key, t2b.substr(0, t2b.size() - 1), kVectorCorpId), "not base64");
  // Four characters less is still base64, of 351 bytes.
  ExpectInvalid(WeComDecrypt(key, t2b.substr(0, t2b.size() - 4), kVectorCorpId),
                "not a whole number of blocks");
  // Whole blocks cut off the end: the last block is now a middle one, so the pad is garbage.
  auto raw = Base64Decode(t2b);
  ASSERT_TRUE(raw.has_value());
  for (std::size_t cut : {16u, 32u, 48u}) {
    auto r = WeComDecrypt(key, Base64Encode(raw->substr(0, raw->size() - cut)), kVectorCorpId);
    EXPECT_FALSE(r.ok()) << cut;
  }
  ExpectInvalid(WeComDecrypt(key, Base64Encode(raw->substr(0, raw->size() - 5)), kVectorCorpId),
                "not a whole number of blocks");
  ExpectInvalid(WeComDecrypt(key, Base64Encode(raw->substr(0, 16)), kVectorCorpId), "too short");
  ExpectInvalid(WeComDecrypt(key, Base64Encode(raw->substr(0, 1)), kVectorCorpId),
                "not a whole number of blocks");
}

TEST(WeComCrypto, MessageLengthPastTheEndIsRefused) {
  const WeComKey key = T2Key();
  for (std::uint32_t len : {24u, 100u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {  // 23 bytes follow the header
    std::string plain = Pkcs7To32(Content(len, "hello", kVectorCorpId));
    ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, plain), kVectorCorpId), "length out of range");
  }
  // Exactly what remains: msg is all of it and the receive id is "".
  auto all = WeComDecrypt(key, RawEncrypt(key, Pkcs7To32(Content(23, "hello", kVectorCorpId))), "");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, std::string("hello") + kVectorCorpId);
  // Fewer than 20 bytes before the pad: no room for the header.
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, Pkcs7To32(std::string("0123456789abcdef\0\0\0", 19))), ""),
                "length out of range");
  ExpectInvalid(WeComDecrypt(key, RawEncrypt(key, std::string(32, '\x20')), ""), "length out of range");
}

TEST(WeComCrypto, EmptyAndNonBase64InputIsRefused) {
  const WeComKey key = T2Key();
  ExpectInvalid(WeComDecrypt(key, "", kVectorCorpId), "empty");
  ExpectInvalid(WeComDecrypt(key, "not base64!!", kVectorCorpId), "not base64");
  ExpectInvalid(WeComDecrypt(key, "P9nAzCzyDtyTWESH ep1vC5X9xho", kVectorCorpId), "not base64");
  std::string urlsafe = kT2aEchostr;
  for (char& c : urlsafe)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  ExpectInvalid(WeComDecrypt(key, urlsafe, kVectorCorpId), "not base64");
  std::string spaced = kT2aEchostr;
  for (char& c : spaced)
    c = c == '+' ? ' ' : c;  // '+' decoded as a space (§5.15)
  ExpectInvalid(WeComDecrypt(key, spaced, kVectorCorpId), "not base64");
}

TEST(WeComCrypto, VerifySignatureClassifiesFailures) {
  const char* sig = "477715d11cdb4164915debcba66cb864d751f3e6";
  const char* ts = "1409659813";
  const char* nonce = "1372623149";
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, nonce, kT2bEncrypt, sig), SignatureCheck::kOk);
  EXPECT_EQ(
      VerifyWeComSignature(kVectorToken, ts, nonce, kT2bEncrypt, "477715D11CDB4164915DEBCBA66CB864D751F3E6"),
      SignatureCheck::kOk);

  EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, nonce, kT2bEncrypt, ""), SignatureCheck::kMissing);
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, "", nonce, kT2bEncrypt, sig), SignatureCheck::kMissing);
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, "", kT2bEncrypt, sig), SignatureCheck::kMissing);
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, nonce, "", sig), SignatureCheck::kMissing);

  for (const char* bad : {"477715d11cdb4164915debcba66cb864d751f3e",    // 39
                          "477715d11cdb4164915debcba66cb864d751f3e60",  // 41
                          "477715d11cdb4164915debcba66cb864d751f3eg",   // not hex
                          "477715d11cdb4164915debcba66cb864d751f3e ",   // trailing space
                          "R3cV0RzbQWSRXevLpmy4ZNdR8+Y="}) {            // base64 of the same digest
    EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, nonce, kT2bEncrypt, bad), SignatureCheck::kMalformed)
        << bad;
  }
  for (const char* bad_ts : {"-1409659813", "1409659813.0", " 1409659813", "0x1", "9999999999999999999"})
    EXPECT_EQ(VerifyWeComSignature(kVectorToken, bad_ts, nonce, kT2bEncrypt, sig), SignatureCheck::kMalformed)
        << bad_ts;

  EXPECT_EQ(VerifyWeComSignature("QDG6eL", ts, nonce, kT2bEncrypt, sig), SignatureCheck::kMismatch);
  EXPECT_EQ(VerifyWeComSignature("", ts, nonce, kT2bEncrypt, sig), SignatureCheck::kMismatch);
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, "1409659814", nonce, kT2bEncrypt, sig),
            SignatureCheck::kMismatch);
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, "1372623148", kT2bEncrypt, sig),
            SignatureCheck::kMismatch);
  EXPECT_EQ(VerifyWeComSignature(kVectorToken, ts, nonce, kT2aEchostr, sig), SignatureCheck::kMismatch);
  EXPECT_EQ(
      VerifyWeComSignature(kVectorToken, ts, nonce, kT2bEncrypt, "577715d11cdb4164915debcba66cb864d751f3e6"),
      SignatureCheck::kMismatch);
}

TEST(WeComCrypto, SignatureSortsBytewiseNotByPosition) {
  // The same four strings in any role give the same digest: only their sorted concatenation is hashed.
  EXPECT_EQ(WeComSignature("a", "b", "c", "d"), WeComSignature("d", "c", "b", "a"));
  EXPECT_NE(WeComSignature("a", "b", "c", "d"), WeComSignature("a", "b", "c", "e"));
  // SHA1("abcd"), the sorted concatenation.
  EXPECT_EQ(WeComSignature("d", "b", "a", "c"), "81fe8bfe87576c3ecb22426f8e57847382917acf");
  // Bytewise: 'Z' (0x5A) < 'a' (0x61) and 0x80 sorts after ASCII, so "\x80" comes last.
  EXPECT_EQ(WeComSignature("\x80", "a", "Z", "0"), WeComSignature("0", "Z", "a", "\x80"));
}

}  // namespace
}  // namespace opsbot
