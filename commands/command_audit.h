// AuditCommand: the audit row of a change a command made — who (the caller), through which channel and
// integration, in which chat, what, when, before and after. Written in the command's transaction.
#pragma once

#include <cstdint>
#include <string>

#include "bot/command_spec.h"
#include "store/connection.h"

namespace opsbot {

void AuditCommand(CommandContext& ctx, store::Connection& conn, const std::string& action,
                  const std::string& entity, std::int64_t entity_id, const std::string& before,
                  const std::string& after, const std::string& note = "");

}  // namespace opsbot
