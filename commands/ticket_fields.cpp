// Changing a ticket's fields: assign, unassign, priority, edit, tag, comment. A closed ticket's fields
// are frozen (reopen it first); comments are always allowed.
#include <algorithm>

#include "bot/directory.h"
#include "bot/text.h"
#include "commands/sla.h"
#include "commands/ticket.h"
#include "commands/ticket_support.h"

namespace opsbot {
namespace {

using Change = Reply (*)(CommandContext&, store::Connection&, store::TicketRow&, const store::TicketRow&);

// Loads the ticket, refuses a closed one, lets `change` edit a copy, and saves it with its audit row
// when `change` answers ok.
Reply Modify(CommandContext& ctx, store::Connection& conn, const char* action, Change change) {
  auto loaded = LoadTicket(ctx, conn);
  if (!loaded.ok()) return Reply::Refused(ctx.lang, loaded.status().message());
  const store::TicketRow before = loaded.value();
  if (before.state == "closed") return ctx.Refuse(Msg::kTicketIsClosed, before.id);
  store::TicketRow after = before;
  Reply reply = change(ctx, conn, after, before);
  if (reply.outcome == Outcome::kOk) SaveTicketChange(ctx, conn, action, before, after);
  return reply;
}

Reply Assign(CommandContext& ctx, store::Connection& conn, store::TicketRow& t, const store::TicketRow&) {
  auto who = FindPersonByMention(conn, *ctx.args.mention);
  if (!who) return ctx.Refuse(Msg::kUnknownPerson, *ctx.args.mention);
  if (t.assignee_id == who->id) return ctx.Refuse(Msg::kTicketAlreadyAssigned, t.id, who->key);
  t.assignee_id = who->id;
  t.assignee_key = who->key;
  Reply r = ctx.Ok(Msg::kTicketAssigned, t.id, who->key);
  r.mention.push_back(who->key);
  r.notices =
      AssignmentNotices(ctx, conn, t, who->key);  // asked elsewhere: the ping goes to the ticket's chat
  return r;
}

Reply Unassign(CommandContext& ctx, store::Connection&, store::TicketRow& t, const store::TicketRow& before) {
  if (!t.assignee_id) return ctx.Refuse(Msg::kTicketNotAssigned, t.id);
  t.assignee_id.reset();
  t.assignee_key.clear();
  return ctx.Ok(Msg::kTicketUnassigned, t.id, before.assignee_key);
}

Reply Priority(CommandContext& ctx, store::Connection&, store::TicketRow& t, const store::TicketRow& before) {
  int p = *ctx.args.priority;
  if (p == t.priority) return ctx.Refuse(Msg::kTicketPrioritySame, t.id, p);
  t.priority = p;
  // The new targets count from the same starts as before: opening, or the last reopen for resolving.
  std::int64_t resolve_start = t.created_at;
  auto old_targets = ComputeDeadlines(ctx.config, before.priority, t.created_at, t.created_at);
  if (before.resolve_due_at && old_targets.resolve_due_at)
    resolve_start += *before.resolve_due_at - *old_targets.resolve_due_at;
  SlaDeadlines d = ComputeDeadlines(ctx.config, p, t.created_at, resolve_start);
  t.ack_due_at = d.ack_due_at;
  t.resolve_due_at = d.resolve_due_at;
  Reply r = ctx.Ok(Msg::kTicketPriority, t.id, before.priority, p);
  std::string sla = SlaSummary(t, ctx.now, ctx.lang);
  if (!sla.empty()) r.text += "\n" + ctx.T(Msg::kShowSla, sla);
  return r;
}

Reply Edit(CommandContext& ctx, store::Connection&, store::TicketRow& t, const store::TicketRow&) {
  std::size_t len = Utf8Length(ctx.args.text);
  if (len > kMaxTitleChars) return ctx.Refuse(Msg::kTitleTooLong, len, kMaxTitleChars);
  t.title = ctx.args.text;
  return ctx.Ok(Msg::kTicketEdited, t.id, t.title);
}

Reply Tag(CommandContext& ctx, store::Connection&, store::TicketRow& t, const store::TicketRow& before) {
  const Args& a = ctx.args;
  if (a.tags_add.empty() && a.tags_remove.empty()) return ctx.Refuse(Msg::kTicketNoTagChange);
  for (const auto& tag : a.tags_remove)
    t.tags.erase(std::remove(t.tags.begin(), t.tags.end(), tag), t.tags.end());
  t.tags.insert(t.tags.end(), a.tags_add.begin(), a.tags_add.end());
  std::sort(t.tags.begin(), t.tags.end());
  t.tags.erase(std::unique(t.tags.begin(), t.tags.end()), t.tags.end());
  std::string shown = t.tags.empty() ? ctx.T(Msg::kNone) : TagList(t.tags);
  if (t.tags == before.tags) return ctx.Refuse(Msg::kTicketTagsUnchanged, t.id, shown);
  return ctx.Ok(Msg::kTicketTagged, t.id, shown);
}

Reply Comment(CommandContext& ctx, store::Connection& conn) {
  auto loaded = LoadTicket(ctx, conn);
  if (!loaded.ok()) return Reply::Refused(ctx.lang, loaded.status().message());
  SaveTicketChange(ctx, conn, "ticket.comment", *loaded, *loaded, ctx.args.text);
  return ctx.Ok(Msg::kTicketCommented, loaded->id);
}

CommandSpec FieldSpec(const char* id, const char* name, std::vector<std::string> aliases,
                      std::vector<ArgSpec> extra, Msg summary, std::vector<std::string> examples,
                      Change change) {
  CommandSpec s;
  s.id = id;
  s.name = name;
  s.aliases = std::move(aliases);
  s.args = {{ArgKind::kTicketId, "ticket", true, {}}};
  s.args.insert(s.args.end(), extra.begin(), extra.end());
  s.role = Role::kAgent;
  s.mutates = true;
  s.summary = summary;
  s.examples = std::move(examples);
  std::string action = id;
  s.handler = [action, change](CommandContext& ctx, store::Connection& conn) {
    return Modify(ctx, conn, action.c_str(), change);
  };
  return s;
}

}  // namespace

std::vector<CommandSpec> TicketFieldSpecs() {
  std::vector<CommandSpec> specs = {
      FieldSpec("ticket.assign", "ticket assign", {"指派", "分派"},
                {{ArgKind::kMention, "assignee", true, {}}}, Msg::kSumTicketAssign,
                {"ticket assign T-12 @bob", "指派 T-12 @张伟"}, Assign),
      FieldSpec("ticket.unassign", "ticket unassign", {"取消指派"}, {}, Msg::kSumTicketUnassign,
                {"ticket unassign T-12", "取消指派 T-12"}, Unassign),
      FieldSpec("ticket.priority", "ticket priority", {"优先级", "改优先级"},
                {{ArgKind::kPriority, "p1..p4", true, {}}}, Msg::kSumTicketPriority,
                {"ticket priority T-12 p1", "优先级 T-12 p1"}, Priority),
      FieldSpec("ticket.edit", "ticket edit", {"修改", "改标题"}, {{ArgKind::kText, "title", true, {}}},
                Msg::kSumTicketEdit,
                {"ticket edit T-12 Disk full on db-3 and db-4", "修改 T-12 db-3 与 db-4 磁盘满"}, Edit),
      FieldSpec("ticket.tag", "ticket tag", {"标签"}, {{ArgKind::kTagEdits, "tags", false, {}}},
                Msg::kSumTicketTag, {"ticket tag T-12 #db -#net", "标签 T-12 #数据库"}, Tag),
  };
  CommandSpec comment;
  comment.id = "ticket.comment";
  comment.name = "ticket comment";
  comment.aliases = {"评论", "备注"};
  comment.args = {{ArgKind::kTicketId, "ticket", true, {}}, {ArgKind::kText, "comment", true, {}}};
  comment.role = Role::kMember;
  comment.mutates = true;
  comment.summary = Msg::kSumTicketComment;
  comment.examples = {"ticket comment T-12 looking at it", "备注 T-12 正在排查"};
  comment.handler = Comment;
  specs.push_back(comment);
  return specs;
}

}  // namespace opsbot
