// AutoAssign: picks the assignee of a new ticket that names none, by the config's rules.
//
// The first rule that matches wins: a rule matches when each of its conditions (tag, chat) holds. A team
// rule rotates round-robin over the team's members; the position is kept in the store, in the command's
// transaction, so it survives restarts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/config.h"
#include "bot/directory.h"
#include "store/connection.h"

namespace opsbot {

struct AutoAssignment {
  PersonRef person;
  std::string rule;  // how it was chosen, e.g. "#db" or "ops-cn → sre"
};

std::optional<AutoAssignment> AutoAssign(const Config& config, store::Connection& conn,
                                         const std::vector<std::string>& tags, const std::string& chat_key);

}  // namespace opsbot
