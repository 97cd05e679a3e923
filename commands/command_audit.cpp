#include "commands/command_audit.h"

#include "bot/directory.h"
#include "store/audit_repo.h"

namespace opsbot {

void AuditCommand(CommandContext& ctx, store::Connection& conn, const std::string& action,
                  const std::string& entity, std::int64_t entity_id, const std::string& before,
                  const std::string& after, const std::string& note) {
  store::AuditRow a;
  a.at = ctx.now;
  a.actor_id = EnsurePerson(conn, ctx.caller, ctx.message, ctx.now);
  a.actor = ctx.caller.key;
  a.channel = ChannelName(ctx.message.channel);
  a.integration = ctx.message.integration;
  a.chat_id = EnsureChat(conn, ctx.chat, ctx.message, ctx.now);
  a.action = action;
  a.entity = entity;
  a.entity_id = entity_id;
  a.before = before;
  a.after = after;
  a.note = note;
  store::AuditRepo(conn).Insert(a);
}

}  // namespace opsbot
