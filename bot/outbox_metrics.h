// OutboxMetrics: the outbox's Prometheus families, per platform.
//   opsbot_outbox_deliveries_total{platform,outcome}  counter: send attempts by outcome (delivered, retry,
//                                                     reauth, give_up), messages that died (dead) and
//                                                     messages carried by a digest (merged)
//   opsbot_outbox_budget_waits_total{platform}        counter: heads that waited for a send budget
//   opsbot_outbox_pending / _oldest_pending_seconds / _dead{platform}, opsbot_send_lanes_blocked{platform}
//                                                     gauges, read from the store at each scrape
// Every platform named at construction is listed from the start, at 0.
// Thread-safe: the OutboxWorker bumps the counters on its thread while a scrape reads the gauges on another.
// Lifetime: the MetricsRegistry keeps callbacks into this object, which keeps references to the ReadPool and
// the Clock: it must outlive every Render() of the registry, and they must outlive it.
#pragma once

#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/metrics.h"
#include "bot/outbound.h"

namespace opsbot {

namespace store {
class ReadPool;
}

// The deliveries_total outcome label of one send's result.
const char* DeliveryOutcomeLabel(DeliveryResult::Kind kind);

class OutboxMetrics {
 public:
  OutboxMetrics(MetricsRegistry& registry, store::ReadPool& reads, const Clock& clock,
                std::vector<std::string> platforms);
  OutboxMetrics(const OutboxMetrics&) = delete;
  OutboxMetrics& operator=(const OutboxMetrics&) = delete;

  Family<Counter>& deliveries;
  Family<Counter>& budget_waits;

 private:
  enum class Stat { kPending, kOldestPendingSeconds, kDead };
  MetricsRegistry::GaugeSamples StatSamples(Stat stat) const;
  MetricsRegistry::GaugeSamples BlockedLaneSamples() const;
  // One sample per platform: every platform named at construction (0 unless `values` has it), then the rest.
  MetricsRegistry::GaugeSamples PerPlatform(const std::vector<std::pair<std::string, double>>& values) const;

  store::ReadPool& reads_;
  const Clock& clock_;
  std::vector<std::string> platforms_;
};

}  // namespace opsbot
