// ticket list [open|mine|all] [p1..p4] [#tag] [@person] [page N]; ticket show T-n
#include <nlohmann/json.hpp>

#include "bot/directory.h"
#include "bot/time_format.h"
#include "commands/sla.h"
#include "commands/ticket.h"
#include "commands/ticket_support.h"
#include "store/audit_repo.h"

namespace opsbot {
namespace {

constexpr int kPageSize = 10;

Reply ListTickets(CommandContext& ctx, store::Connection& conn) {
  const Args& a = ctx.args;
  store::TicketFilter f;
  std::string choice = a.choice.value_or("");
  if (choice.empty() || choice == "mine") f.states = {"open", "acked", "resolved"};
  if (choice == "open") f.states = {"open", "acked"};
  f.priority = a.priority;
  if (!a.tags_add.empty()) f.tag = a.tags_add.front();

  // The filters as the user would type them again, for the header and the next-page hint.
  std::string filters = choice;
  auto add = [&](const std::string& w) { filters += (filters.empty() ? "" : " ") + w; };
  if (a.priority) add("p" + std::to_string(*a.priority));
  if (f.tag) add("#" + *f.tag);

  std::optional<PersonRef> person;
  if (a.mention) {
    person = FindPersonByMention(conn, *a.mention);
    if (!person) return ctx.Refuse(Msg::kUnknownPerson, *a.mention);
    f.assignee_id = person->id;
    add("@" + person->key);
  }
  if (choice == "mine") f.assignee_id = ctx.caller.person_id != 0 ? ctx.caller.person_id : -1;

  store::TicketRepo repo(conn);
  std::int64_t total = repo.Count(f);
  std::string described = filters.empty() ? ctx.T(Msg::kFilterDefault) : filters;
  if (total == 0) return ctx.Ok(Msg::kListEmpty, described);
  std::int64_t pages = (total + kPageSize - 1) / kPageSize;
  int page = a.page.value_or(1);
  if (page > pages) return ctx.Refuse(Msg::kListPageBeyond, page, total, pages);
  f.limit = kPageSize;
  f.offset = (page - 1) * kPageSize;

  std::string text = ctx.T(Msg::kListHeader, total, described, page, pages);
  for (const auto& t : repo.List(f))
    text += "\n" + TicketLine(t, ctx.now, ctx.lang);
  if (page < pages) {
    std::string next =
        ctx.lang == Lang::kZh
            ? "工单 " + (filters.empty() ? "" : filters + " ") + "第" + std::to_string(page + 1) + "页"
            : "ticket list " + (filters.empty() ? "" : filters + " ") + "page " + std::to_string(page + 1);
    text += "\n" + ctx.T(Msg::kListNextPage, next);
  }
  return Reply::Ok(ctx.lang, text);
}

std::string Field(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string HistoryLine(const store::AuditRow& r, const CommandContext& ctx) {
  auto parse = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json::parse(s, nullptr, false);
  };
  nlohmann::json before = parse(r.before), after = parse(r.after);
  std::string when = FormatLocalTime(r.at, ctx.timezone);
  std::string note = r.note.empty() ? "" : ": " + r.note;
  const std::string& act = r.action;
  if (act == "ticket.new") return ctx.T(Msg::kHistNew, when, r.actor, Field(after, "title"));
  if (act == "ticket.assign") return ctx.T(Msg::kHistAssign, when, r.actor, Field(after, "assignee"));
  if (act == "ticket.unassign") return ctx.T(Msg::kHistUnassign, when, r.actor, Field(before, "assignee"));
  if (act == "ticket.ack") return ctx.T(Msg::kHistAck, when, r.actor);
  if (act == "ticket.comment") return ctx.T(Msg::kHistComment, when, r.actor, r.note);
  if (act == "ticket.resolve") return ctx.T(Msg::kHistResolve, when, r.actor, note);
  if (act == "ticket.close") return ctx.T(Msg::kHistClose, when, r.actor, note);
  if (act == "ticket.reopen") return ctx.T(Msg::kHistReopen, when, r.actor, note);
  if (act == "ticket.priority")
    return ctx.T(Msg::kHistPriority, when, r.actor, Field(before, "priority"), Field(after, "priority"));
  if (act == "ticket.edit") return ctx.T(Msg::kHistEdit, when, r.actor, Field(after, "title"));
  if (act == "ticket.tag") {
    std::vector<std::string> tags;
    if (after.is_object() && after.contains("tags") && after["tags"].is_array())
      for (const auto& t : after["tags"])
        tags.push_back(t.get<std::string>());
    return ctx.T(Msg::kHistTag, when, r.actor, tags.empty() ? ctx.T(Msg::kNone) : TagList(tags));
  }
  return when + " @" + r.actor + " " + act;
}

Reply ShowTicket(CommandContext& ctx, store::Connection& conn) {
  auto t = LoadTicket(ctx, conn);
  if (!t.ok()) return Reply::Refused(ctx.lang, t.status().message());
  std::vector<std::string> lines;
  lines.push_back(ctx.T(Msg::kShowTitle, t->id, t->priority, t->title));
  lines.push_back(
      ctx.T(Msg::kShowState, StateName(t->state, ctx.lang)) + " · " +
      ctx.T(Msg::kShowAssignee, t->assignee_key.empty() ? ctx.T(Msg::kNobody) : "@" + t->assignee_key) +
      " · " + ctx.T(Msg::kShowReporter, t->reporter_key));
  if (!t->tags.empty()) lines.push_back(ctx.T(Msg::kShowTags, TagList(t->tags)));
  if (!t->chat_key.empty()) lines.push_back(ctx.T(Msg::kShowChat, t->chat_key));
  lines.push_back(
      ctx.T(Msg::kShowCreated, FormatLocalTime(t->created_at, ctx.timezone) + " (" + ctx.timezone + ")"));
  std::string sla = SlaSummary(*t, ctx.now, ctx.lang);
  if (!sla.empty()) lines.push_back(ctx.T(Msg::kShowSla, sla));
  lines.push_back(ctx.T(Msg::kShowHistory));
  for (const auto& row : store::AuditRepo(conn).ForEntity("ticket", t->id))
    lines.push_back("- " + HistoryLine(row, ctx));
  std::string text;
  for (const auto& l : lines)
    text += (text.empty() ? "" : "\n") + l;
  return Reply::Ok(ctx.lang, text);
}

}  // namespace

std::vector<CommandSpec> TicketQuerySpecs() {
  CommandSpec list;
  list.id = "ticket.list";
  list.name = "ticket list";
  list.aliases = {"工单", "工单列表", "tickets"};
  list.args = {{ArgKind::kChoice,
                "filter",
                false,
                {{"open", {"未解决", "待处理"}}, {"mine", {"我的"}}, {"all", {"全部", "所有"}}}},
               {ArgKind::kPriority, "priority", false, {}},
               {ArgKind::kTags, "tag", false, {}},
               {ArgKind::kMention, "person", false, {}},
               {ArgKind::kPage, "page", false, {}}};
  list.role = Role::kMember;
  list.summary = Msg::kSumTicketList;
  list.examples = {"ticket list mine p1", "工单 全部 #db 第2页"};
  list.handler = ListTickets;

  CommandSpec show;
  show.id = "ticket.show";
  show.name = "ticket show";
  show.aliases = {"查看", "查看工单"};
  show.args = {{ArgKind::kTicketId, "ticket", true, {}}};
  show.role = Role::kMember;
  show.summary = Msg::kSumTicketShow;
  show.examples = {"ticket show T-12", "查看 T-12"};
  show.handler = ShowTicket;
  return {list, show};
}

}  // namespace opsbot
