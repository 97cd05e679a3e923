#include "adapters/slack/slack_signature.h"

#include <cstdint>
#include <optional>

#include "bot/crypto.h"

namespace opsbot {
namespace {

constexpr std::string_view kPrefix = "v0=";

std::optional<Sha256Digest> Hmac(std::string_view secret, std::string_view ts, std::string_view body) {
  return HmacSha256(secret, {"v0:", ts, ":", body});
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "v0=" + 64 hex digits → the 32 bytes; nullopt for anything else.
std::optional<std::string> ParseSignature(std::string_view header) {
  if (header.size() != kPrefix.size() + 64 || header.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  std::string d(32, '\0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    int hi = HexValue(header[kPrefix.size() + 2 * i]);
    int lo = HexValue(header[kPrefix.size() + 2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<char>(hi * 16 + lo);
  }
  return d;
}

}  // namespace

SignatureCheck VerifySlackSignature(std::string_view signing_secret, std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    EpochSeconds now, int window_s) {
  if (timestamp_header.empty() || signature_header.empty()) return SignatureCheck::kMissing;
  std::optional<std::int64_t> ts = ParseDecimal(timestamp_header);
  std::optional<std::string> given = ParseSignature(signature_header);
  if (!ts || !given) return SignatureCheck::kMalformed;
  if (window_s < 0 || AbsDiff(now, *ts) > static_cast<std::uint64_t>(window_s)) return SignatureCheck::kStale;
  if (signing_secret.empty()) return SignatureCheck::kMismatch;
  std::optional<Sha256Digest> expected = Hmac(signing_secret, timestamp_header, raw_body);
  if (!expected) return SignatureCheck::kMismatch;
  return ConstantTimeEqual(DigestBytes(*expected), *given) ? SignatureCheck::kOk : SignatureCheck::kMismatch;
}

std::string SlackSignature(std::string_view signing_secret, std::string_view timestamp,
                           std::string_view body) {
  std::optional<Sha256Digest> d = Hmac(signing_secret, timestamp, body);
  return d ? std::string(kPrefix) + HexLower(DigestBytes(*d)) : "";
}

}  // namespace opsbot
