#include "commands/ticket_api.h"

#include "bot/directory.h"
#include "store/audit_repo.h"
#include "store/ticket_repo.h"

namespace opsbot {
namespace {

nlohmann::json OptJson(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

nlohmann::json TicketJson(const store::TicketRow& t) {
  return {{"id", "T-" + std::to_string(t.id)},
          {"number", t.id},
          {"title", t.title},
          {"priority", t.priority},
          {"state", t.state},
          {"reporter", t.reporter_key},
          {"assignee", t.assignee_key.empty() ? nlohmann::json() : nlohmann::json(t.assignee_key)},
          {"chat", t.chat_key.empty() ? nlohmann::json() : nlohmann::json(t.chat_key)},
          {"tags", t.tags},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at},
          {"acked_at", OptJson(t.acked_at)},
          {"resolved_at", OptJson(t.resolved_at)},
          {"closed_at", OptJson(t.closed_at)},
          {"ack_due_at", OptJson(t.ack_due_at)},
          {"resolve_due_at", OptJson(t.resolve_due_at)}};
}

nlohmann::json ParsedOrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json::parse(s, nullptr, false);
}

}  // namespace

Result<nlohmann::json> StoreTicketQueries::List(const TicketQuery& q) {
  return reads_.Run<nlohmann::json>([&](store::Connection& conn) -> Result<nlohmann::json> {
    store::TicketFilter f;
    if (q.filter == "not_closed") f.states = {"open", "acked", "resolved"};
    if (q.filter == "open") f.states = {"open", "acked"};
    f.priority = q.priority;
    f.tag = q.tag;
    if (q.assignee) {
      auto who = FindPersonByMention(conn, *q.assignee);
      if (!who) return Status::NotFound("unknown person '" + *q.assignee + "'");
      f.assignee_id = who->id;
    }
    f.before_id = q.cursor;
    f.limit = q.limit + 1;  // one more tells whether there is a next page
    auto rows = store::TicketRepo(conn).List(f);
    nlohmann::json out = {{"tickets", nlohmann::json::array()}, {"next_cursor", nullptr}};
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(q.limit); ++i)
      out["tickets"].push_back(TicketJson(rows[i]));
    if (rows.size() > static_cast<std::size_t>(q.limit)) out["next_cursor"] = rows[q.limit - 1].id;
    return out;
  });
}

Result<nlohmann::json> StoreTicketQueries::Get(std::int64_t id) {
  return reads_.Run<nlohmann::json>([&](store::Connection& conn) -> Result<nlohmann::json> {
    auto t = store::TicketRepo(conn).Get(id);
    if (!t) return Status::NotFound("T-" + std::to_string(id) + " does not exist");
    nlohmann::json out = TicketJson(*t);
    out["history"] = nlohmann::json::array();
    for (const auto& a : store::AuditRepo(conn).ForEntity("ticket", id)) {
      out["history"].push_back(
          {{"at", a.at},
           {"actor", a.actor},
           {"channel", a.channel},
           {"integration", a.integration.empty() ? nlohmann::json() : nlohmann::json(a.integration)},
           {"action", a.action},
           {"before", ParsedOrNull(a.before)},
           {"after", ParsedOrNull(a.after)},
           {"note", a.note.empty() ? nlohmann::json() : nlohmann::json(a.note)}});
    }
    return out;
  });
}

}  // namespace opsbot
