// SplitReplyBytes: one long Reply as several, for platforms that count a message's size in UTF-8 bytes
// (DingTalk, WeCom; shared/protocols.md §5.10). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "bot/reply.h"

namespace opsbot {

// `reply` as one Reply per message, in order: cut at line ends (else at a UTF-8 boundary; bytes that are not
// UTF-8 are cut anywhere) so each text is at most `max_bytes`; the '\n' a cut falls on is dropped. Each piece
// keeps the mentions it names ("@key"). A reply that fits, or a `max_bytes` under 4, comes back whole.
std::vector<Reply> SplitReplyBytes(const Reply& reply, std::size_t max_bytes);

}  // namespace opsbot
