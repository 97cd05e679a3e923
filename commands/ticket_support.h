// What the ticket commands share: loading a ticket or refusing, recording a change with its audit row,
// and rendering tickets for chat.
#pragma once

#include <string>

#include "bot/command_spec.h"
#include "bot/status.h"
#include "store/connection.h"
#include "store/ticket_repo.h"

namespace opsbot {

// The ticket named by ctx.args.ticket, or a refusal whose message is the localised reason.
Result<store::TicketRow> LoadTicket(const CommandContext& ctx, store::Connection& conn);

// Writes `after` and an audit row (action, before/after snapshots, note) in the command's transaction.
void SaveTicketChange(CommandContext& ctx, store::Connection& conn, const std::string& action,
                      const store::TicketRow& before, store::TicketRow after, const std::string& note = "");

// The audit row for a new ticket.
void AuditTicketCreated(CommandContext& ctx, store::Connection& conn, const store::TicketRow& ticket);

// The ping for `assignee_key` in the ticket's chat, on each platform where that chat has an id and opsbot
// can send — none when the ticket has no chat or the command was asked in it (its reply pings there).
std::vector<Notice> AssignmentNotices(const CommandContext& ctx, store::Connection& conn,
                                      const store::TicketRow& t, const std::string& assignee_key);

// The audit snapshot of a ticket, as JSON text: state, priority, title, assignee key, tags.
std::string TicketSnapshot(const store::TicketRow& t);

std::string StateName(const std::string& state, Lang lang);
std::string TagList(const std::vector<std::string>& tags);  // "#db #net"

// "T-12 [P1] 待受理 Disk full · @bob · #db · ack due in 12m"
std::string TicketLine(const store::TicketRow& t, std::int64_t now, Lang lang);

}  // namespace opsbot
