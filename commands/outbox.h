// The outbox commands (admins only): `outbox` (发件箱) lists pending and dead messages per platform;
// `outbox retry <id>` (重发 <id>) puts a dead message back in the queue, with an audit row.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "bot/command_registry.h"
#include "bot/status.h"

namespace opsbot {

// The commands work on the store alone (the outbox tables, through store::OutboxRepo), so they need no
// OutboxWorker. A retried message is picked up by the worker's next run (the runner's wake-up after a
// commit, or its periodic check).
Status RegisterOutboxCommands(CommandRegistry& registry);

// An outbox row id as people type it: "12" or "#12" → 12; nullopt for anything else.
std::optional<std::int64_t> ParseOutboxId(std::string_view text);

}  // namespace opsbot
