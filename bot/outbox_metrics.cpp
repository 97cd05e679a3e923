#include "bot/outbox_metrics.h"

#include <algorithm>
#include <map>

#include "bot/send_budget.h"
#include "store/outbox_repo.h"
#include "store/read_pool.h"
#include "store/send_budget_repo.h"

namespace opsbot {
namespace {

constexpr const char* kOutcomes[] = {"delivered", "retry", "reauth", "give_up", "dead", "merged"};

}  // namespace

const char* DeliveryOutcomeLabel(DeliveryResult::Kind kind) {
  switch (kind) {
    case DeliveryResult::Kind::kDelivered:
      return "delivered";
    case DeliveryResult::Kind::kRetry:
      return "retry";
    case DeliveryResult::Kind::kReauth:
      return "reauth";
    case DeliveryResult::Kind::kGiveUp:
      return "give_up";
  }
  return "retry";
}

OutboxMetrics::OutboxMetrics(MetricsRegistry& registry, store::ReadPool& reads, const Clock& clock,
                             std::vector<std::string> platforms)
    : deliveries(registry.AddCounter("opsbot_outbox_deliveries_total",
                                     "Outbox delivery attempts by outcome (dead: messages that died).",
                                     {"platform", "outcome"})),
      budget_waits(registry.AddCounter(
          "opsbot_outbox_budget_waits_total",
          "Times a destination's next message waited because every way out had spent its send budget.",
          {"platform"})),
      reads_(reads),
      clock_(clock),
      platforms_(std::move(platforms)) {
  for (const std::string& platform : platforms_) {
    for (const char* outcome : kOutcomes)
      deliveries.With({platform, outcome});
    budget_waits.With({platform});
  }
  registry.AddGaugeFamily("opsbot_outbox_pending", "Messages waiting in the outbox.", {"platform"},
                          [this] { return StatSamples(Stat::kPending); });
  registry.AddGaugeFamily("opsbot_outbox_oldest_pending_seconds",
                          "Age of the oldest message waiting in the outbox (0: none).", {"platform"},
                          [this] { return StatSamples(Stat::kOldestPendingSeconds); });
  registry.AddGaugeFamily("opsbot_send_lanes_blocked",
                          "Send lanes (robots, apps, channels) blocked after a \"too fast\" or failures.",
                          {"platform"}, [this] { return BlockedLaneSamples(); });
  registry.AddGaugeFamily("opsbot_outbox_dead", "Dead outbox messages, kept until retried.", {"platform"},
                          [this] { return StatSamples(Stat::kDead); });
}

MetricsRegistry::GaugeSamples OutboxMetrics::PerPlatform(
    const std::vector<std::pair<std::string, double>>& values) const {
  std::map<std::string, double> by_platform;
  for (const std::string& platform : platforms_)
    by_platform[platform] = 0;
  for (const auto& [platform, v] : values)
    by_platform[platform] += v;
  MetricsRegistry::GaugeSamples out;
  for (const auto& [platform, v] : by_platform)
    out.push_back({{platform}, v});
  return out;
}

MetricsRegistry::GaugeSamples OutboxMetrics::BlockedLaneSamples() const {
  auto rows =
      reads_.Run<std::vector<BudgetState>>([](store::Connection& conn) -> Result<std::vector<BudgetState>> {
        return store::SendBudgetRepo(conn).All();
      });
  if (!rows.ok()) return {};
  const EpochMillis now = clock_.NowMillis();
  std::vector<std::pair<std::string, double>> blocked;
  for (const BudgetState& b : rows.value())
    if (b.blocked_until > now) blocked.emplace_back(b.key.substr(0, b.key.find(':')), 1.0);
  return PerPlatform(blocked);
}

MetricsRegistry::GaugeSamples OutboxMetrics::StatSamples(Stat stat) const {
  auto stats = reads_.Run<std::vector<store::OutboxStats>>(
      [](store::Connection& conn) -> Result<std::vector<store::OutboxStats>> {
        return store::OutboxRepo(conn).Stats();
      });
  if (!stats.ok()) return {};
  const EpochMillis now = clock_.NowMillis();
  std::vector<std::pair<std::string, double>> values;
  for (const auto& s : stats.value()) {
    double v =
        stat == Stat::kPending ? static_cast<double>(s.pending)
        : stat == Stat::kDead  ? static_cast<double>(s.dead)
        : s.oldest_pending_created_at
            ? static_cast<double>(std::max<EpochMillis>(0, now - *s.oldest_pending_created_at)) / 1000.0
            : 0.0;
    values.emplace_back(s.key, v);
  }
  return PerPlatform(values);
}

}  // namespace opsbot
