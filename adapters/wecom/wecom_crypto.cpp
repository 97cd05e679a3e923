#include "adapters/wecom/wecom_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "bot/crypto.h"
#include "bot/text.h"

namespace opsbot {
namespace {

constexpr std::size_t kRandomLen = 16;              // the random prefix of the plaintext
constexpr std::size_t kHeaderLen = kRandomLen + 4;  // random ‖ msg_len
constexpr std::size_t kPadBlock = 32;               // WeCom pads to 32, not to the AES block (16)
constexpr std::size_t kAesBlock = 16;

// The implementations, fetched once (EVP_CIPHER and EVP_MD objects may be shared between threads).
EVP_CIPHER* AesImpl() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return cipher;
}

EVP_MD* Sha1Impl() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

int AlnumValue(char c) {  // the base64 value of [A-Za-z0-9]; -1 for anything else (also '+', '/')
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return -1;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// AES-256-CBC over whole blocks with OpenSSL's padding off, IV = key[0..16). `in` must be a non-empty
// multiple of 16 bytes; the output has the same length. nullopt only if OpenSSL fails.
std::optional<std::string> AesCbc(const WeComKey& key, std::string_view in, bool encrypt) {
  EVP_CIPHER* cipher = AesImpl();
  if (cipher == nullptr || in.empty() || in.size() % kAesBlock != 0 ||
      in.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return std::nullopt;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return std::nullopt;
  std::string out(in.size() + kAesBlock, '\0');  // room for a block more, as OpenSSL documents
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int n = 0, tail = 0;
  bool ok = EVP_CipherInit_ex(ctx, cipher, nullptr, key.aes.data(), key.aes.data(), encrypt ? 1 : 0) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_CipherUpdate(ctx, o, &n, reinterpret_cast<const unsigned char*>(in.data()),
                             static_cast<int>(in.size())) == 1 &&
            n >= 0 && static_cast<std::size_t>(n) <= in.size() &&
            EVP_CipherFinal_ex(ctx, o + n, &tail) == 1 &&
            static_cast<std::size_t>(n) + static_cast<std::size_t>(tail) == in.size();
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  out.resize(in.size());
  return out;
}

// Wipes a buffer that held plaintext before it is freed.
void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

std::optional<WeComKey> ParseEncodingAesKey(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != 43) return std::nullopt;
  // 43 characters carry 258 bits: the 256 of the key, then 2 junk bits that are dropped (§5.4).
  WeComKey key;
  std::size_t out = 0;
  unsigned bits = 0;
  int nbits = 0;
  for (char c : encoding_aes_key) {
    int v = AlnumValue(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6 | static_cast<unsigned>(v)) & 0xFFFFu;  // at most 12 bits are pending
    nbits += 6;
    if (nbits >= 8 && out < key.aes.size()) {
      nbits -= 8;
      key.aes[out++] = static_cast<unsigned char>(bits >> nbits & 0xFF);
    }
  }
  if (out != key.aes.size()) return std::nullopt;
  return key;
}

std::string WeComSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                           std::string_view encrypt) {
  std::array<std::string_view, 4> parts = {token, timestamp, nonce, encrypt};
  std::sort(parts.begin(), parts.end());  // char_traits<char> compares as unsigned char: bytewise
  EVP_MD* md = Sha1Impl();
  if (md == nullptr) return "";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return "";
  bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1;
  for (std::string_view p : parts)
    ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, digest, &len) == 1 && len == 20;
  EVP_MD_CTX_free(ctx);
  if (!ok) return "";
  return HexLower(std::string_view(reinterpret_cast<const char*>(digest), len));
}

SignatureCheck VerifyWeComSignature(std::string_view token, std::string_view timestamp,
                                    std::string_view nonce, std::string_view encrypt,
                                    std::string_view msg_signature) {
  if (msg_signature.empty() || timestamp.empty() || nonce.empty() || encrypt.empty())
    return SignatureCheck::kMissing;
  if (msg_signature.size() != 40 || !std::all_of(msg_signature.begin(), msg_signature.end(), IsHex) ||
      !ParseDecimal(timestamp))
    return SignatureCheck::kMalformed;
  if (token.empty()) return SignatureCheck::kMismatch;
  std::string given = ToLowerAscii(msg_signature);
  std::string expected = WeComSignature(token, timestamp, nonce, encrypt);
  return ConstantTimeEqual(expected, given) ? SignatureCheck::kOk : SignatureCheck::kMismatch;
}

Result<std::string> WeComDecrypt(const WeComKey& key, std::string_view encrypt, std::string_view receive_id) {
  if (encrypt.empty()) return Status::Invalid("empty");
  std::optional<std::string> cipher = Base64Decode(encrypt);
  if (!cipher) return Status::Invalid("not base64");
  if (cipher->size() % kAesBlock != 0) return Status::Invalid("not a whole number of blocks");
  if (cipher->size() < kPadBlock) return Status::Invalid("too short");
  std::optional<std::string> plain = AesCbc(key, *cipher, /*encrypt=*/false);
  if (!plain) return Status::Internal("cannot decrypt");

  // PKCS#7 to 32: the last byte says how many bytes of that value end the plaintext (1..32). The bytes are
  // all checked, without an early exit.
  const std::size_t size = plain->size();
  const auto pad = static_cast<unsigned char>((*plain)[size - 1]);
  unsigned char diff = 0;
  if (pad >= 1 && pad <= kPadBlock) {
    for (std::size_t i = size - pad; i < size; ++i)
      diff |= static_cast<unsigned char>((*plain)[i]) ^ pad;
  }
  if (pad < 1 || pad > kPadBlock || diff != 0) {
    Wipe(*plain);
    return Status::Invalid("bad padding");
  }

  std::string_view content = std::string_view(*plain).substr(0, size - pad);  // random ‖ len ‖ msg ‖ id
  if (content.size() < kHeaderLen) {
    Wipe(*plain);
    return Status::Invalid("length out of range");
  }
  const auto byte = [&content](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(content[i]));
  };
  const std::uint32_t msg_len =
      byte(kRandomLen) << 24 | byte(kRandomLen + 1) << 16 | byte(kRandomLen + 2) << 8 | byte(kRandomLen + 3);
  if (msg_len > content.size() - kHeaderLen) {
    Wipe(*plain);
    return Status::Invalid("length out of range");
  }
  std::string_view tail = content.substr(kHeaderLen + msg_len);
  if (!ConstantTimeEqual(tail, receive_id)) {
    Wipe(*plain);
    return Status::Invalid("wrong receive id");
  }
  std::string msg(content.substr(kHeaderLen, msg_len));
  Wipe(*plain);
  return msg;
}

std::string WeComEncrypt(const WeComKey& key, std::string_view msg, std::string_view receive_id,
                         std::string_view random16) {
  if (random16.size() != kRandomLen || msg.size() > std::numeric_limits<std::uint32_t>::max()) return "";
  const auto len = static_cast<std::uint32_t>(msg.size());
  std::string plain;
  const std::size_t content = kHeaderLen + msg.size() + receive_id.size();
  const std::size_t pad = kPadBlock - content % kPadBlock;  // 1..32: a full 32 when already aligned
  plain.reserve(content + pad);
  plain.append(random16);
  for (int shift = 24; shift >= 0; shift -= 8)
    plain += static_cast<char>(len >> shift & 0xFF);
  plain.append(msg);
  plain.append(receive_id);
  plain.append(pad, static_cast<char>(pad));
  std::optional<std::string> cipher = AesCbc(key, plain, /*encrypt=*/true);
  Wipe(plain);
  return cipher ? Base64Encode(*cipher) : "";
}

std::string WeComEncrypt(const WeComKey& key, std::string_view msg, std::string_view receive_id) {
  static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr unsigned kAlnumCount = sizeof(kAlnum) - 1;             // 62
  constexpr unsigned kUnbiased = 256 / kAlnumCount * kAlnumCount;  // 248: bytes above are rejected
  std::string random;
  while (random.size() < kRandomLen) {
    unsigned char buf[32];
    if (RAND_bytes(buf, sizeof buf) != 1) return "";
    for (unsigned char b : buf)
      if (b < kUnbiased && random.size() < kRandomLen) random += kAlnum[b % kAlnumCount];
  }
  return WeComEncrypt(key, msg, receive_id, random);
}

}  // namespace opsbot
