// SLA clocks for tickets, counted around the clock. Pure functions over a ticket row and `now`.
//
// Deadlines: ack_due_at = opened + ack target; resolve_due_at = (opened, or the last reopen) + resolve
// target. Resolving stops both clocks; a priority change recomputes both from the same start.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/config.h"
#include "bot/lang.h"
#include "store/ticket_repo.h"

namespace opsbot {

struct SlaDeadlines {
  std::optional<std::int64_t> ack_due_at;
  std::optional<std::int64_t> resolve_due_at;
};

// Deadlines for `priority`, counted from `ack_start` and `resolve_start`.
SlaDeadlines ComputeDeadlines(const Config& config, int priority, std::int64_t ack_start,
                              std::int64_t resolve_start);

// One line per clock, e.g. "ack due in 12m · resolve due in 3h 48m", localised.
std::string SlaSummary(const store::TicketRow& t, std::int64_t now, Lang lang);
// The same appended to `out`, each clock after " · " unless `out` was empty (a ticket's line ends with them).
void AppendSlaSummary(std::string& out, const store::TicketRow& t, std::int64_t now, Lang lang);

}  // namespace opsbot
