// libFuzzer target: the WeCom callback's front door (shared/protocols.md §3.1–§3.2), with the T2 key.
//
//   VerifyWeComSignature(input as Encrypt / as msg_signature) → only what WeComSignature signs verifies
//   WeComDecrypt(input as Encrypt)        → msg or a refusal, for receive id "wx5823bf96d3bd56c7" and ""
//   WeComDecrypt(AES-CBC(input) raw)      → the pad / msg_len / receive-id parsing on any plaintext at all
//   WeComEncrypt → WeComDecrypt           → the input as msg (and as receive id) comes back unchanged
//   ParseEncodingAesKey(input)            → a key exactly for 43 characters of [A-Za-z0-9]
//
// Besides "no crash, no leak, no UB", it checks invariants that must hold for every input and abort()s when
// one does not, so libFuzzer keeps the input. Run it with scripts/fuzz.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/wecom/wecom_crypto.h"
#include "bot/crypto.h"

namespace {

constexpr char kToken[] = "QDG6eK";
constexpr char kCorpId[] = "wx5823bf96d3bd56c7";
constexpr char kTimestamp[] = "1409659813";
constexpr char kNonce[] = "1372623149";

void Check(bool ok) {
  if (!ok) std::abort();
}

const opsbot::WeComKey& Key() {
  static const opsbot::WeComKey key = [] {
    auto k = opsbot::ParseEncodingAesKey("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C");
    Check(k.has_value());
    return *k;
  }();
  return key;
}

// AES-256-CBC of whole blocks, IV = key[0..16), no padding: what a sender holding the key could produce.
std::string RawEncrypt(const opsbot::WeComKey& key, std::string_view plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Check(ctx != nullptr);
  std::string out(plain.size() + 16, '\0');
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  bool ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.aes.data(), key.aes.data()) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_EncryptUpdate(ctx, o, &n, reinterpret_cast<const unsigned char*>(plain.data()),
                              static_cast<int>(plain.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx, o + n, &tail) == 1;
  EVP_CIPHER_CTX_free(ctx);
  Check(ok);
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

// What WeComDecrypt must make of `plain` (whole blocks, at least 32 bytes): the reference parse.
std::optional<std::string> ReferenceOpen(std::string_view plain, std::string_view receive_id) {
  std::size_t pad = static_cast<unsigned char>(plain.back());
  if (pad < 1 || pad > 32) return std::nullopt;
  for (std::size_t i = plain.size() - pad; i < plain.size(); ++i)
    if (static_cast<unsigned char>(plain[i]) != pad) return std::nullopt;
  std::string_view content = plain.substr(0, plain.size() - pad);
  if (content.size() < 20) return std::nullopt;
  std::uint64_t len = 0;
  for (std::size_t i = 16; i < 20; ++i)
    len = len << 8 | static_cast<unsigned char>(content[i]);
  if (len > content.size() - 20) return std::nullopt;
  if (content.substr(20 + len) != receive_id) return std::nullopt;
  return std::string(content.substr(20, len));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const opsbot::WeComKey& key = Key();

  // The input as the Encrypt text: its own signature verifies; the input as a signature never verifies a
  // fixed Encrypt unless it is that Encrypt's signature (in either case of hex).
  std::string sig = opsbot::WeComSignature(kToken, kTimestamp, kNonce, input);
  Check(sig.size() == 40);
  if (!input.empty())
    Check(opsbot::VerifyWeComSignature(kToken, kTimestamp, kNonce, input, sig) ==
          opsbot::SignatureCheck::kOk);
  if (opsbot::VerifyWeComSignature(kToken, kTimestamp, kNonce, "fixed", input) ==
      opsbot::SignatureCheck::kOk) {
    std::string lower(input);
    for (char& c : lower)
      c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    Check(lower == opsbot::WeComSignature(kToken, kTimestamp, kNonce, "fixed"));
  }

  // The input as the Encrypt text: at most one receive id accepts it, and msg fits in what was sent.
  auto app = opsbot::WeComDecrypt(key, input, kCorpId);
  auto bot = opsbot::WeComDecrypt(key, input, "");
  Check(!(app.ok() && bot.ok()));
  for (const auto* r : {&app, &bot}) {
    if (r->ok())
      Check(r->value().size() + 21 <= input.size() * 3 / 4);
    else
      Check(!r->status().message().empty());
  }

  // The input as plaintext, enciphered raw (cut to whole blocks, at least two): WeComDecrypt agrees with the
  // reference parse of pad, msg_len and receive id.
  if (size >= 32) {
    std::string_view plain = input.substr(0, size / 16 * 16);
    std::string enc = opsbot::Base64Encode(RawEncrypt(key, plain));
    for (std::string_view id : {std::string_view(kCorpId), std::string_view()}) {
      auto got = opsbot::WeComDecrypt(key, enc, id);
      auto want = ReferenceOpen(plain, id);
      Check(got.ok() == want.has_value());
      if (got.ok()) Check(*got == *want);
    }
  }

  // Round trips: the input as msg, and as the receive id.
  std::string enc = opsbot::WeComEncrypt(key, input, kCorpId, "0123456789abcdef");
  Check(!enc.empty());
  auto back = opsbot::WeComDecrypt(key, enc, kCorpId);
  Check(back.ok() && *back == input);
  Check(!opsbot::WeComDecrypt(key, enc, "").ok());
  enc = opsbot::WeComEncrypt(key, input, "");
  back = opsbot::WeComDecrypt(key, enc, "");
  Check(back.ok() && *back == input);
  enc = opsbot::WeComEncrypt(key, "hello", input, "0123456789abcdef");
  back = opsbot::WeComDecrypt(key, enc, input);
  Check(back.ok() && *back == "hello");

  // The input as an EncodingAESKey.
  bool alnum43 = size == 43;
  for (char c : input)
    alnum43 = alnum43 && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
  Check(opsbot::ParseEncodingAesKey(input).has_value() == alnum43);
  return 0;
}
