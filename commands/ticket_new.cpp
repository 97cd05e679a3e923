// ticket new <title> [p1..p4] [#tag ...] [@assignee]
#include <algorithm>

#include "bot/directory.h"
#include "bot/text.h"
#include "commands/auto_assign.h"
#include "commands/sla.h"
#include "commands/ticket.h"
#include "commands/ticket_support.h"

namespace opsbot {
namespace {

Reply NewTicket(CommandContext& ctx, store::Connection& conn) {
  const Args& a = ctx.args;
  std::size_t title_len = Utf8Length(a.text);
  if (title_len > kMaxTitleChars) return ctx.Refuse(Msg::kTitleTooLong, title_len, kMaxTitleChars);

  std::optional<PersonRef> assignee;
  std::string rule;
  if (a.mention) {
    assignee = FindPersonByMention(conn, *a.mention);
    if (!assignee) return ctx.Refuse(Msg::kUnknownPerson, *a.mention);
  } else if (auto auto_assigned = AutoAssign(ctx.config, conn, a.tags_add, ctx.chat.key)) {
    assignee = auto_assigned->person;
    rule = auto_assigned->rule;
  }

  store::TicketRow t;
  t.title = a.text;
  t.priority = a.priority.value_or(3);
  t.state = "open";
  t.reporter_id = EnsurePerson(conn, ctx.caller, ctx.message, ctx.now);
  t.chat_id = EnsureChat(conn, ctx.chat, ctx.message, ctx.now);
  t.created_at = t.updated_at = ctx.now;
  SlaDeadlines d = ComputeDeadlines(ctx.config, t.priority, ctx.now, ctx.now);
  t.ack_due_at = d.ack_due_at;
  t.resolve_due_at = d.resolve_due_at;
  t.tags = a.tags_add;
  std::sort(t.tags.begin(), t.tags.end());
  t.tags.erase(std::unique(t.tags.begin(), t.tags.end()), t.tags.end());
  if (assignee) {
    t.assignee_id = assignee->id;
    t.assignee_key = assignee->key;
  }
  t.id = store::TicketRepo(conn).Insert(t);
  AuditTicketCreated(ctx, conn, t);

  std::string text = ctx.T(Msg::kTicketCreated, t.id, t.priority, t.title);
  if (!t.tags.empty()) text += " " + TagList(t.tags);
  text += "\n";
  Reply reply = Reply::Ok(ctx.lang, "");
  if (assignee) {
    text += rule.empty() ? ctx.T(Msg::kTicketAssignedExplicit, assignee->key)
                         : ctx.T(Msg::kTicketAssignedByRule, assignee->key, rule);
    reply.mention.push_back(assignee->key);
  } else {
    text += ctx.T(Msg::kTicketUnassignedNew, t.id);
  }
  std::string sla = SlaSummary(t, ctx.now, ctx.lang);
  if (!sla.empty()) text += "\n" + ctx.T(Msg::kShowSla, sla);
  reply.text = text;
  return reply;
}

}  // namespace

std::vector<CommandSpec> TicketNewSpecs() {
  CommandSpec s;
  s.id = "ticket.new";
  s.name = "ticket new";
  s.aliases = {"建单", "新建工单", "new ticket"};
  s.args = {{ArgKind::kText, "title", true, {}},
            {ArgKind::kPriority, "priority", false, {}},
            {ArgKind::kTags, "tags", false, {}},
            {ArgKind::kMention, "assignee", false, {}}};
  s.role = Role::kMember;
  s.mutates = true;
  s.summary = Msg::kSumTicketNew;
  s.examples = {"ticket new Disk full on db-3 p1 #db @bob", "建单 db-3 磁盘满 p2 #db"};
  s.handler = NewTicket;
  return {s};
}

}  // namespace opsbot
