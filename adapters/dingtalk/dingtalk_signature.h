// DingTalk signatures (shared/protocols.md §2.1, §2.3 and test vector T4).
//
// In: the enterprise app robot's callback carries `timestamp` (epoch milliseconds) and `sign` headers, with
//   sign = base64(HMAC-SHA256(key = app secret, msg = timestamp + "\n" + app secret)), not URL-encoded.
//   Only the timestamp is signed, not the body: a captured header pair could carry another body until the
//   window closes, so the route also accepts each pair once (DingTalkRoutes).
// Out: a custom group robot with signing appends &timestamp=<ms>&sign=<the same value, URL-encoded>.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bot/clock.h"
#include "bot/signature_check.h"

namespace opsbot {

constexpr std::int64_t kDingTalkWindowMs = 3600 * 1000;  // DingTalk's own: one hour either way

// Checks, in order: missing, malformed (timestamp not decimal milliseconds, sign not base64 of 32 bytes),
// stale (|now - timestamp| > window), mismatch (constant-time). An empty secret never verifies.
SignatureCheck VerifyDingTalkSignature(std::string_view app_secret, std::string_view timestamp_header,
                                       std::string_view sign_header, EpochMillis now,
                                       std::int64_t window_ms = kDingTalkWindowMs);

// base64(HMAC-SHA256(secret, timestamp + "\n" + secret)): the header form.
std::string DingTalkSign(std::string_view secret, std::string_view timestamp_ms);
// The same, URL-encoded for a custom robot's query string ("+/=" → "%2B%2F%3D").
std::string DingTalkSignForUrl(std::string_view secret, std::string_view timestamp_ms);

}  // namespace opsbot
