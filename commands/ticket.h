// The ticket command family: new, list, show, assign, unassign, ack, comment, resolve, close, reopen,
// priority, edit, tag. Members may new/list/show/comment; agents the rest; admins everything.
#pragma once

#include <vector>

#include "bot/command_registry.h"
#include "bot/command_spec.h"
#include "bot/status.h"

namespace opsbot {

Status RegisterTicketCommands(CommandRegistry& registry);

// The specs of each file of the family (ticket_new.cpp, ticket_query.cpp, ticket_lifecycle.cpp,
// ticket_fields.cpp).
std::vector<CommandSpec> TicketNewSpecs();
std::vector<CommandSpec> TicketQuerySpecs();
std::vector<CommandSpec> TicketLifecycleSpecs();
std::vector<CommandSpec> TicketFieldSpecs();

// The longest ticket title, in characters.
inline constexpr std::size_t kMaxTitleChars = 200;

}  // namespace opsbot
