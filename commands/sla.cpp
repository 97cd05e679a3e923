#include "commands/sla.h"

#include "bot/messages.h"
#include "bot/time_format.h"

namespace opsbot {

SlaDeadlines ComputeDeadlines(const Config& config, int priority, std::int64_t ack_start,
                              std::int64_t resolve_start) {
  SlaDeadlines d;
  auto it = config.sla.find(priority);
  if (it == config.sla.end()) return d;
  if (it->second.ack_seconds > 0) d.ack_due_at = ack_start + it->second.ack_seconds;
  if (it->second.resolve_seconds > 0) d.resolve_due_at = resolve_start + it->second.resolve_seconds;
  return d;
}

std::string SlaSummary(const store::TicketRow& t, std::int64_t now, Lang lang) {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += " · ";
    out += part;
  };
  if (t.ack_due_at) {
    if (t.acked_at) {
      std::int64_t took = *t.acked_at - t.created_at;
      add(*t.acked_at <= *t.ack_due_at ? Tr(lang, Msg::kSlaAckMet, FormatDuration(took, lang))
                                       : Tr(lang, Msg::kSlaAckMissed, FormatDuration(took, lang),
                                            FormatDuration(*t.acked_at - *t.ack_due_at, lang)));
    } else if (t.state == "open") {
      add(now < *t.ack_due_at ? Tr(lang, Msg::kSlaAckDue, FormatDuration(*t.ack_due_at - now, lang))
                              : Tr(lang, Msg::kSlaAckBreached, FormatDuration(now - *t.ack_due_at, lang)));
    }
  }
  if (t.resolve_due_at) {
    bool stopped = t.state == "resolved" || t.state == "closed";
    if (stopped && t.resolved_at) {
      add(*t.resolved_at <= *t.resolve_due_at
              ? Tr(lang, Msg::kSlaResolveMet)
              : Tr(lang, Msg::kSlaResolveMissed, FormatDuration(*t.resolved_at - *t.resolve_due_at, lang)));
    } else if (!stopped) {
      add(now < *t.resolve_due_at
              ? Tr(lang, Msg::kSlaResolveDue, FormatDuration(*t.resolve_due_at - now, lang))
              : Tr(lang, Msg::kSlaResolveBreached, FormatDuration(now - *t.resolve_due_at, lang)));
    }
  }
  return out;
}

}  // namespace opsbot
