// Slack request signatures (v0): HMAC-SHA256 over "v0:" + timestamp + ":" + raw body, keyed with the app's
// signing secret, sent as "X-Slack-Signature: v0=<64 lowercase hex>" beside "X-Slack-Request-Timestamp".
// See shared/protocols.md §1.2 and test vector T1.
//
// Verify before anything else looks at the body: the raw bytes exactly as received (form bodies included).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "bot/clock.h"
#include "bot/signature_check.h"

namespace opsbot {

// Checks, in this order: missing, malformed, stale, mismatch. The comparison is constant-time over the
// 32 digest bytes (hex case is not significant). An empty `signing_secret` never verifies (kMismatch):
// an unconfigured secret must fail closed. `now` and the timestamp are UTC epoch seconds.
SignatureCheck VerifySlackSignature(std::string_view signing_secret, std::string_view timestamp_header,
                                    std::string_view signature_header, std::string_view raw_body,
                                    EpochSeconds now, int window_s = 300);

// "v0=" + lowercase hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body): what Slack would send. For
// tests, fakes and load generators.
std::string SlackSignature(std::string_view signing_secret, std::string_view timestamp,
                           std::string_view body);

}  // namespace opsbot
