#include "adapters/dingtalk/dingtalk_signature.h"

#include <optional>

#include "bot/crypto.h"

namespace opsbot {

std::string DingTalkSign(std::string_view secret, std::string_view timestamp_ms) {
  std::optional<Sha256Digest> d = HmacSha256(secret, {timestamp_ms, "\n", secret});
  return d ? Base64Encode(DigestBytes(*d)) : "";
}

std::string DingTalkSignForUrl(std::string_view secret, std::string_view timestamp_ms) {
  std::string out;
  for (char c : DingTalkSign(secret, timestamp_ms)) {
    if (c == '+')
      out += "%2B";
    else if (c == '/')
      out += "%2F";
    else if (c == '=')
      out += "%3D";
    else
      out += c;
  }
  return out;
}

SignatureCheck VerifyDingTalkSignature(std::string_view app_secret, std::string_view timestamp_header,
                                       std::string_view sign_header, EpochMillis now,
                                       std::int64_t window_ms) {
  if (timestamp_header.empty() || sign_header.empty()) return SignatureCheck::kMissing;
  std::optional<std::int64_t> ts = ParseDecimal(timestamp_header);
  std::optional<std::string> given = Base64Decode(sign_header);
  if (!ts || !given || given->size() != 32) return SignatureCheck::kMalformed;
  if (window_ms < 0 || AbsDiff(now, *ts) > static_cast<std::uint64_t>(window_ms))
    return SignatureCheck::kStale;
  if (app_secret.empty()) return SignatureCheck::kMismatch;
  std::optional<Sha256Digest> expected = HmacSha256(app_secret, {timestamp_header, "\n", app_secret});
  if (!expected) return SignatureCheck::kMismatch;
  return ConstantTimeEqual(DigestBytes(*expected), *given) ? SignatureCheck::kOk : SignatureCheck::kMismatch;
}

}  // namespace opsbot
