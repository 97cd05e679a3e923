#include "adapters/slack/slack_signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

namespace opsbot {
namespace {

using Digest = std::array<unsigned char, 32>;

constexpr std::string_view kVersion = "v0";
constexpr std::string_view kPrefix = "v0=";

// The HMAC implementation, fetched once (EVP_MAC objects may be shared between threads).
EVP_MAC* HmacImpl() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// HMAC-SHA256(secret, "v0:" + ts + ":" + body), fed in pieces so the body is not copied.
std::optional<Digest> Hmac(std::string_view secret, std::string_view ts, std::string_view body) {
  EVP_MAC* mac = HmacImpl();
  if (mac == nullptr) return std::nullopt;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  if (ctx == nullptr) return std::nullopt;
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  auto update = [ctx](std::string_view s) {
    return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(s.data()), s.size()) == 1;
  };
  Digest out{};
  std::size_t len = 0;
  // A zero-length key is valid HMAC, but OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key = secret.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(secret.data());
  bool ok = EVP_MAC_init(ctx, key, secret.size(), params) == 1 && update(kVersion) && update(":") &&
            update(ts) && update(":") && update(body) &&
            EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
  EVP_MAC_CTX_free(ctx);
  if (!ok) return std::nullopt;
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "v0=" + 64 hex digits → the 32 bytes; nullopt for anything else.
std::optional<Digest> ParseSignature(std::string_view header) {
  if (header.size() != kPrefix.size() + 64 || header.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    int hi = HexValue(header[kPrefix.size() + 2 * i]);
    int lo = HexValue(header[kPrefix.size() + 2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return d;
}

// Decimal digits only (no sign, no spaces), fitting in 64 bits.
std::optional<EpochSeconds> ParseTimestamp(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  EpochSeconds v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

const char* SignatureCheckName(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::kOk:
      return "ok";
    case SignatureCheck::kMissing:
      return "missing";
    case SignatureCheck::kMalformed:
      return "malformed";
    case SignatureCheck::kStale:
      return "stale";
    case SignatureCheck::kMismatch:
      return "mismatch";
  }
  return "mismatch";
}

SignatureCheck VerifySlackSignature(std::string_view signing_secret, std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    EpochSeconds now, int window_s) {
  if (timestamp_header.empty() || signature_header.empty()) return SignatureCheck::kMissing;
  std::optional<EpochSeconds> ts = ParseTimestamp(timestamp_header);
  std::optional<Digest> given = ParseSignature(signature_header);
  if (!ts || !given) return SignatureCheck::kMalformed;
  // |now - ts| in unsigned arithmetic: exact for any two int64 values, so no `now` can overflow it.
  auto un = static_cast<std::uint64_t>(now), ut = static_cast<std::uint64_t>(*ts);
  std::uint64_t diff = now > *ts ? un - ut : ut - un;
  if (window_s < 0 || diff > static_cast<std::uint64_t>(window_s)) return SignatureCheck::kStale;
  if (signing_secret.empty()) return SignatureCheck::kMismatch;
  std::optional<Digest> expected = Hmac(signing_secret, timestamp_header, raw_body);
  if (!expected) return SignatureCheck::kMismatch;
  return CRYPTO_memcmp(expected->data(), given->data(), given->size()) == 0 ? SignatureCheck::kOk
                                                                            : SignatureCheck::kMismatch;
}

std::string SlackSignature(std::string_view signing_secret, std::string_view timestamp,
                           std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::optional<Digest> d = Hmac(signing_secret, timestamp, body);
  if (!d) return "";
  std::string out(kPrefix);
  for (unsigned char b : *d) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace opsbot
