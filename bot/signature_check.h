// SignatureCheck: what verifying a platform's request signature came to (Slack, DingTalk, WeCom).
#pragma once

namespace opsbot {

enum class SignatureCheck {
  kOk,
  kMissing,    // a header is absent or empty
  kMalformed,  // the timestamp is not decimal, or the signature is not in the platform's form
  kStale,      // |now - timestamp| > window: outside the replay window, in either direction
  kMismatch,   // well-formed and fresh, but not signed with this secret (or no secret configured)
};

inline const char* SignatureCheckName(SignatureCheck c) {
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

}  // namespace opsbot
