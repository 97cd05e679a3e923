// `digest <id> [from]` (摘要): every message a digest carried, for any member in the chat it went to (admins
// anywhere). A digest too big for one chat message lists only first lines and ends with this command.
#pragma once

#include "bot/command_registry.h"
#include "bot/status.h"

namespace opsbot {

// Reads the outbox alone (store::OutboxRepo::Carried); delivered rows are kept for outbox.retention.
Status RegisterDigestCommand(CommandRegistry& registry);

}  // namespace opsbot
