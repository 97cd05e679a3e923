// The ticket state machine: ack, resolve, close, reopen.
//
//   open ──ack──► acked ──resolve──► resolved ──close──► closed
//     └────────resolve────────┘          ▲  └──reopen──► open ◄──reopen── closed
// Anything else is refused with the reason. Resolving stops the SLA clocks; reopening restarts the
// resolve clock from now.
#include <algorithm>

#include "bot/directory.h"
#include "commands/sla.h"
#include "commands/ticket.h"
#include "commands/ticket_support.h"

namespace opsbot {
namespace {

struct Transition {
  const char* action;
  std::vector<std::string> from;
  const char* to;
  Msg verb;
  Msg done;
};

const Transition kAck{"ticket.ack", {"open"}, "acked", Msg::kVerbAck, Msg::kTicketAcked};
const Transition kResolve{
    "ticket.resolve", {"open", "acked"}, "resolved", Msg::kVerbResolve, Msg::kTicketResolved};
const Transition kClose{"ticket.close", {"resolved"}, "closed", Msg::kVerbClose, Msg::kTicketClosed};
const Transition kReopen{
    "ticket.reopen", {"resolved", "closed"}, "open", Msg::kVerbReopen, Msg::kTicketReopened};

// Why `tr` cannot start from `state`, and what to do instead.
Reply Refusal(const CommandContext& ctx, const store::TicketRow& t, const Transition& tr) {
  std::string text = ctx.T(Msg::kTransitionRefused, t.id, StateName(t.state, ctx.lang), ctx.T(tr.verb));
  const std::string to = tr.to;
  if (to == "closed" && (t.state == "open" || t.state == "acked")) {
    text += " " + ctx.T(Msg::kHintResolveFirst, t.id);
  } else if (to == "open") {
    text += " " + ctx.T(Msg::kHintAckOrResolve);
  } else if (t.state == "closed" || (t.state == "resolved" && to == "acked")) {
    text += " " + ctx.T(Msg::kHintReopen, t.id);
  }
  return Reply::Refused(ctx.lang, text);
}

Reply Apply(CommandContext& ctx, store::Connection& conn, const Transition& tr) {
  auto loaded = LoadTicket(ctx, conn);
  if (!loaded.ok()) return Reply::Refused(ctx.lang, loaded.status().message());
  const store::TicketRow before = loaded.value();
  if (std::find(tr.from.begin(), tr.from.end(), before.state) == tr.from.end())
    return Refusal(ctx, before, tr);

  store::TicketRow t = before;
  t.state = tr.to;
  if (tr.to == std::string("acked")) {
    t.acked_at = ctx.now;
    if (!t.assignee_id) {  // whoever acks an unassigned ticket takes it
      t.assignee_id = EnsurePerson(conn, ctx.caller, ctx.message, ctx.now);
      t.assignee_key = ctx.caller.key;
    }
  } else if (tr.to == std::string("resolved")) {
    t.resolved_at = ctx.now;
    if (!t.acked_at) t.acked_at = ctx.now;  // resolving answers the ticket too
  } else if (tr.to == std::string("closed")) {
    t.closed_at = ctx.now;
  } else {  // reopened: the resolve clock starts again
    t.resolved_at.reset();
    t.closed_at.reset();
    t.resolve_due_at = ComputeDeadlines(ctx.config, t.priority, t.created_at, ctx.now).resolve_due_at;
  }
  SaveTicketChange(ctx, conn, tr.action, before, t, ctx.args.text);
  Reply reply = ctx.Ok(tr.done, t.id, ctx.caller.key);
  std::string sla = SlaSummary(t, ctx.now, ctx.lang);
  if (!sla.empty()) reply.text += "\n" + ctx.T(Msg::kShowSla, sla);
  return reply;
}

CommandSpec LifecycleSpec(const char* id, const char* name, std::vector<std::string> aliases, bool note,
                          Msg summary, std::vector<std::string> examples, const Transition& tr) {
  CommandSpec s;
  s.id = id;
  s.name = name;
  s.aliases = std::move(aliases);
  s.args = {{ArgKind::kTicketId, "ticket", true, {}}};
  if (note) s.args.push_back({ArgKind::kText, "note", false, {}});
  s.role = Role::kAgent;
  s.mutates = true;
  s.summary = summary;
  s.examples = std::move(examples);
  s.handler = [&tr](CommandContext& ctx, store::Connection& conn) { return Apply(ctx, conn, tr); };
  return s;
}

}  // namespace

std::vector<CommandSpec> TicketLifecycleSpecs() {
  return {
      LifecycleSpec("ticket.ack", "ticket ack", {"接单", "受理"}, false, Msg::kSumTicketAck,
                    {"ticket ack T-12", "接单 T-12"}, kAck),
      LifecycleSpec("ticket.resolve", "ticket resolve", {"解决"}, true, Msg::kSumTicketResolve,
                    {"ticket resolve T-12 freed /var/log", "解决 T-12 已清理日志"}, kResolve),
      LifecycleSpec("ticket.close", "ticket close", {"关闭", "关单"}, true, Msg::kSumTicketClose,
                    {"ticket close T-12", "关闭 T-12"}, kClose),
      LifecycleSpec("ticket.reopen", "ticket reopen", {"重开", "重新打开"}, true, Msg::kSumTicketReopen,
                    {"ticket reopen T-12 disk filling again", "重开 T-12 又满了"}, kReopen),
  };
}

}  // namespace opsbot
