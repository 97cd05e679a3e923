// ParseArgs: turns the words after a command into typed Args, by the command's spec.
//
// Positional kinds are taken from the front, "anywhere" kinds are whole tokens found anywhere, and kText
// takes the rest in order. Pure; errors are localised messages (kInvalidArgument).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/command_spec.h"
#include "bot/status.h"

namespace opsbot {

Result<Args> ParseArgs(const CommandSpec& spec, const std::vector<std::string>& tokens, Lang lang);

// "T-12", "t-12", "T12" or "12" → 12; std::nullopt for anything else (or out of range).
std::optional<std::int64_t> ParseTicketId(const std::string& token);

}  // namespace opsbot
