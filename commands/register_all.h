// RegisterAllCommands: the one place every command family is wired in, in help's order.
#pragma once

#include "bot/command_registry.h"
#include "bot/status.h"

namespace opsbot {

// Stops at (and returns) the first duplicate id or alias; start-up must abort on it.
Status RegisterAllCommands(CommandRegistry& registry);

}  // namespace opsbot
