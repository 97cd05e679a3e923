// The identity commands (any member): `whoami` (我是谁) shows how opsbot knows the caller on each platform;
// `bind <platform>` (绑定) in a direct message gives a one-time code (10 minutes, single use) to say, in a
// direct message, on that other platform — `bind <code>` there links that account to the caller's person;
// `unbind <platform>` (解绑) removes one. Every bind and unbind writes an audit row.
//
// Rules: a code said in a group is burned (it is no longer secret) and links nothing; a handle the config
// declares for a person never moves (the config wins on what it declares: ask an admin); two people both
// declared in the config with different roles are never linked. A handle taken from a person opsbot only
// met on a platform leaves that row without it (their earlier tickets stay theirs).
#pragma once

#include "bot/command_registry.h"
#include "bot/status.h"

namespace opsbot {

inline constexpr std::int64_t kBindCodeSeconds = 600;

Status RegisterIdentityCommands(CommandRegistry& registry);

}  // namespace opsbot
