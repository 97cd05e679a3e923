// outbox; outbox retry <id>
#include "commands/outbox.h"

#include "commands/command_audit.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "bot/outbox_text.h"
#include "bot/text.h"
#include "bot/time_format.h"
#include "store/outbox_repo.h"
#include "store/send_budget_repo.h"

namespace opsbot {
namespace {

constexpr int kDeadShown = 20;
constexpr int kDestinationsShown = 20;

// "dingtalk:robot:1a2b3c4d (dingtalk:group:cid1): 3 of 5 left, limit 20 per 1m · blocked for 9m (130101)".
std::string BudgetLine(const CommandContext& ctx, const BudgetState& b, EpochMillis now_ms) {
  auto limit = ctx.config.outbox.limits.find(b.limit);
  if (limit == ctx.config.outbox.limits.end()) return "";
  const SendLimit& l = limit->second;
  std::string out = ctx.T(
      Msg::kOutboxBudgetLine, b.key, b.destination, static_cast<long>(std::max(0.0, TokensAt(b, l, now_ms))),
      static_cast<long>(l.Capacity()), l.count, FormatDuration(l.window_ms / 1000, ctx.lang));
  if (b.blocked_until > now_ms)
    out += " · " + ctx.T(Msg::kOutboxBudgetBlocked,
                         FormatDuration((b.blocked_until - now_ms + 500) / 1000, ctx.lang),
                         TruncateUtf8(b.last_error, 60));
  return out;
}

Reply ShowOutbox(CommandContext& ctx, store::Connection& conn) {
  store::OutboxRepo repo(conn);
  const std::vector<store::OutboxStats> stats = repo.Stats();
  const std::vector<BudgetState> budgets = store::SendBudgetRepo(conn).All();
  if (stats.empty() && budgets.empty()) return ctx.Ok(Msg::kOutboxEmpty);
  const EpochMillis now_ms = ctx.now * 1000;
  // "<key>: n pending, n dead · oldest waiting 5m · may send again in 3s".
  auto line = [&](const store::OutboxStats& s) {
    std::string out = ctx.T(Msg::kOutboxPlatform, s.key, s.pending, s.dead);
    if (s.oldest_pending_created_at) {
      std::int64_t age_s = std::max<std::int64_t>(0, now_ms - *s.oldest_pending_created_at) / 1000;
      out += " · " + ctx.T(Msg::kOutboxOldest, FormatDuration(age_s, ctx.lang));
    }
    if (s.pending > 0 && s.next_send_at && *s.next_send_at >= now_ms + 500)
      out += " · " +
             ctx.T(Msg::kOutboxNextSend, FormatDuration((*s.next_send_at - now_ms + 500) / 1000, ctx.lang));
    return out;
  };
  std::string text = ctx.T(Msg::kOutboxHeader);
  std::int64_t dead_total = 0;
  for (const auto& s : stats) {
    text += "\n" + line(s);
    dead_total += s.dead;
  }
  text += "\n" + ctx.T(Msg::kOutboxByDestination);
  for (const auto& s : repo.DestinationStats(kDestinationsShown)) {
    text += "\n  " + line(s);
    for (const BudgetState& b : budgets)  // what its robots, app or channel may still send
      if (b.destination == s.key)
        if (std::string l = BudgetLine(ctx, b, now_ms); !l.empty()) text += "\n    " + l;
  }
  if (!budgets.empty()) {
    text += "\n" + ctx.T(Msg::kOutboxBudgets);
    int shown = 0;
    for (const BudgetState& b : budgets)
      if (std::string l = BudgetLine(ctx, b, now_ms); !l.empty() && shown++ < kDestinationsShown)
        text += "\n  " + l;
  }
  if (dead_total > 0) {
    text += "\n" + ctx.T(Msg::kOutboxDeadHeader);
    const std::vector<store::OutboxRow> dead = repo.Dead(kDeadShown);
    for (const auto& r : dead)
      text += "\n" + ctx.T(Msg::kOutboxDeadLine, r.id, r.destination, r.attempts,
                           TruncateUtf8(r.last_error, 80), OutboxPreview(r.payload));
    if (dead_total > static_cast<std::int64_t>(dead.size()))
      text += "\n" + ctx.T(Msg::kOutboxDeadMore, dead_total - static_cast<std::int64_t>(dead.size()));
    text += "\n" + ctx.T(Msg::kOutboxRetryHint);
  }
  return Reply::Ok(ctx.lang, text);
}

Reply RetryOutbox(CommandContext& ctx, store::Connection& conn) {
  auto id = ParseOutboxId(ctx.args.text);
  if (!id) return ctx.Refuse(Msg::kOutboxBadId, TruncateUtf8(ctx.args.text, 40));
  store::OutboxRepo repo(conn);
  auto row = repo.Get(*id);
  if (!row) return ctx.Refuse(Msg::kOutboxNotFound, *id);
  if (!repo.Retry(*id, ctx.now * 1000)) {
    Msg state = row->state == "pending" ? Msg::kOutboxStatePending : Msg::kOutboxStateDelivered;
    return ctx.Refuse(Msg::kOutboxNotDead, *id, ctx.T(state));
  }
  AuditCommand(
      ctx, conn, "outbox.retry", "outbox", *id,
      nlohmann::json{{"state", row->state}, {"attempts", row->attempts}, {"last_error", row->last_error}}
          .dump(),
      nlohmann::json{{"state", "pending"}, {"attempts", 0}}.dump());
  return ctx.Ok(Msg::kOutboxRetried, *id, row->destination);
}

}  // namespace

std::optional<std::int64_t> ParseOutboxId(std::string_view t) {
  if (!t.empty() && t.front() == '#') t.remove_prefix(1);
  if (t.empty() || t.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || v <= 0) return std::nullopt;
  return v;
}

Status RegisterOutboxCommands(CommandRegistry& registry) {
  CommandSpec show;
  show.id = "outbox";
  show.name = "outbox";
  show.aliases = {"发件箱"};
  show.role = Role::kAdmin;
  show.summary = Msg::kSumOutbox;
  show.examples = {"outbox", "发件箱"};
  show.handler = ShowOutbox;
  if (Status s = registry.Add(std::move(show)); !s.ok()) return s;

  CommandSpec retry;
  retry.id = "outbox.retry";
  retry.name = "outbox retry";
  retry.aliases = {"重发", "发件箱 重发"};
  retry.args = {{ArgKind::kText, "id", true, {}}};
  retry.role = Role::kAdmin;
  retry.mutates = true;
  retry.summary = Msg::kSumOutboxRetry;
  retry.examples = {"outbox retry 12", "重发 12"};
  retry.handler = RetryOutbox;
  return registry.Add(std::move(retry));
}

}  // namespace opsbot
