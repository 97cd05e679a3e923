// help, help <command>: generated from the command specs; lists only what the caller may run.
#pragma once

#include "bot/command_registry.h"
#include "bot/status.h"

namespace opsbot {

// Registers `help`. The registry must outlive the spec (it is read when help runs).
Status RegisterHelpCommand(CommandRegistry& registry);

}  // namespace opsbot
