#include "commands/ticket_support.h"

#include "bot/json_string.h"
#include "bot/text.h"
#include "commands/command_audit.h"
#include "commands/sla.h"
#include "store/chat_repo.h"

namespace opsbot {

Result<store::TicketRow> LoadTicket(const CommandContext& ctx, store::Connection& conn) {
  auto t = store::TicketRepo(conn).Get(*ctx.args.ticket);
  if (!t) return Status::NotFound(ctx.T(Msg::kTicketNotFound, *ctx.args.ticket));
  return std::move(*t);
}

std::string TicketSnapshot(const store::TicketRow& t) {
  // Keys in the order nlohmann's sorted objects gave them, so old and new audit rows read alike.
  std::string out = "{\"assignee\":";
  AppendJsonStringOrNull(out, t.assignee_key);
  out += ",\"priority\":";
  out += std::to_string(t.priority);
  out += ",\"state\":";
  AppendJsonString(out, t.state);
  out += ",\"tags\":";
  AppendJsonStrings(out, t.tags);
  out += ",\"title\":";
  AppendJsonString(out, t.title);
  out += '}';
  return out;
}

void SaveTicketChange(CommandContext& ctx, store::Connection& conn, const std::string& action,
                      const store::TicketRow& before, store::TicketRow after, const std::string& note) {
  after.updated_at = ctx.now;
  store::TicketRepo(conn).Update(after);
  AuditCommand(ctx, conn, action, "ticket", after.id, TicketSnapshot(before), TicketSnapshot(after), note);
}

void AuditTicketCreated(CommandContext& ctx, store::Connection& conn, const store::TicketRow& ticket) {
  AuditCommand(ctx, conn, "ticket.new", "ticket", ticket.id, "", TicketSnapshot(ticket), "");
}

std::string StateName(const std::string& state, Lang lang) {
  if (state == "open") return Tr(lang, Msg::kStateOpen);
  if (state == "acked") return Tr(lang, Msg::kStateAcked);
  if (state == "resolved") return Tr(lang, Msg::kStateResolved);
  if (state == "closed") return Tr(lang, Msg::kStateClosed);
  return state;
}

std::string TagList(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags)
    out += (out.empty() ? "#" : " #") + t;
  return out;
}

std::string TicketLine(const store::TicketRow& t, std::int64_t now, Lang lang) {
  std::string line;
  line.reserve(160);
  line += "T-";
  line += std::to_string(t.id);
  line += " [P";
  line += std::to_string(t.priority);
  line += "] ";
  line += StateName(t.state, lang);
  line += ' ';
  line += TruncateUtf8(t.title, 60);
  line += " · ";
  if (t.assignee_key.empty()) {
    line += Pattern(lang, Msg::kNobody);
  } else {
    line += '@';
    line += t.assignee_key;
  }
  if (!t.tags.empty()) {
    line += " · ";
    line += TagList(t.tags);
  }
  AppendSlaSummary(line, t, now, lang);  // `line` is not empty: each clock after " · "
  return line;
}

std::vector<Notice> AssignmentNotices(const CommandContext& ctx, store::Connection& conn,
                                      const store::TicketRow& t, const std::string& assignee_key) {
  std::vector<Notice> out;
  if (!t.chat_id || *t.chat_id == ctx.chat.id) return out;
  auto chat = store::ChatRepo(conn).ById(*t.chat_id);
  if (!chat) return out;
  const Config& c = ctx.config;
  // Chinese by default on DingTalk and WeCom, as their replies are; the chat's own language first.
  auto lang_on = [&](bool chinese_platform) {
    if (auto l = ParseLang(chat->language)) return *l;
    return chinese_platform ? Lang::kZh : c.language;
  };
  auto add = [&](const char* platform, const std::string& channel, bool chinese_platform) {
    Lang lang = lang_on(chinese_platform);
    out.push_back({platform,
                   channel,
                   lang,
                   Tr(lang, Msg::kTicketAssignedNotice, t.id, t.title, assignee_key, ctx.caller.key),
                   {assignee_key}});
  };
  if (!chat->slack_channel_id.empty() && c.slack.enabled) add("slack", chat->slack_channel_id, false);
  if (!chat->dingtalk_conversation_id.empty() && (c.dingtalk.enabled || !c.dingtalk.robots.empty()))
    add("dingtalk", "group:" + chat->dingtalk_conversation_id, true);
  // WeCom reaches a group on its own only through the group's robots.
  if (!chat->wecom_chat_id.empty() && c.wecom.robot_keys.count(chat->wecom_chat_id))
    add("wecom", "group:" + chat->wecom_chat_id, true);
  return out;
}

}  // namespace opsbot
