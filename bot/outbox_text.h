// What the outbox says about the messages it carries: the text of a digest, and one-line previews of stored
// messages (for `outbox`, the admins' dead-message notices and `digest`). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bot/lang.h"
#include "bot/reply.h"

namespace opsbot {

// The text of a digest carrying `items` (in order), sent as outbox row `digest_id`, in at most `max_bytes`:
// every text in full when they fit, else the first lines of as many as fit — those that ping first —
// shown in order, and the `digest <id>` command that lists them all.
std::string DigestText(const std::vector<Reply>& items, std::int64_t digest_id, Lang lang,
                       std::size_t max_bytes);

// A one-line preview of a stored payload's text, at most `max_chars` characters (and "…" when cut).
std::string OutboxPreview(const std::string& payload_json, std::size_t max_chars = 60);

}  // namespace opsbot
