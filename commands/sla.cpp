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

void AppendSlaSummary(std::string& out, const store::TicketRow& t, std::int64_t now, Lang lang) {
  auto add = [&out, lang](Msg id, const auto&... durations) {
    if (!out.empty()) out += " · ";
    AppendTr(out, lang, id, FormatDuration(durations, lang)...);
  };
  if (t.ack_due_at) {
    if (t.acked_at) {
      std::int64_t took = *t.acked_at - t.created_at;
      if (*t.acked_at <= *t.ack_due_at) {
        add(Msg::kSlaAckMet, took);
      } else {
        add(Msg::kSlaAckMissed, took, *t.acked_at - *t.ack_due_at);
      }
    } else if (t.state == "open") {
      if (now < *t.ack_due_at) {
        add(Msg::kSlaAckDue, *t.ack_due_at - now);
      } else {
        add(Msg::kSlaAckBreached, now - *t.ack_due_at);
      }
    }
  }
  if (t.resolve_due_at) {
    bool stopped = t.state == "resolved" || t.state == "closed";
    if (stopped && t.resolved_at) {
      if (*t.resolved_at <= *t.resolve_due_at) {
        add(Msg::kSlaResolveMet);
      } else {
        add(Msg::kSlaResolveMissed, *t.resolved_at - *t.resolve_due_at);
      }
    } else if (!stopped) {
      if (now < *t.resolve_due_at) {
        add(Msg::kSlaResolveDue, *t.resolve_due_at - now);
      } else {
        add(Msg::kSlaResolveBreached, now - *t.resolve_due_at);
      }
    }
  }
}

std::string SlaSummary(const store::TicketRow& t, std::int64_t now, Lang lang) {
  std::string out;
  AppendSlaSummary(out, t, now, lang);
  return out;
}

}  // namespace opsbot
