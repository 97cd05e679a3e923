// OutboxWorker: delivers the outbox — one Job ("outbox") on the JobRunner.
//
// Each run at `now`: load the ready heads (at most one row per destination, store::OutboxRepo::Ready); for
// each, ask its platform's Sender for the routes it could take (a robot, the app, a reply URL) and pick the
// best usable one by its lane's send budget (bot/send_budget.h: lowest tier, then the most tokens left, so
// a chat's robots share the load). A head none of whose routes has budget waits, uncounted, until one has.
// A head that goes out carries the messages queued behind it as a digest (MergeQueued). Send them on up to
// `parallel` threads, compute each outcome given the time the send finished, and write every outcome and
// every changed budget in one Writer transaction:
//   delivered        → delivered (with every message a digest carried); the destination may send again at
//                      finished + pace of its platform
//   retry / reauth   → attempts + 1, due at finished + max(Retry-After, backoff with jitter)
//   rate-limited     → the same, but due at finished + max(rate_limited_wait_ms, backoff), and not counted
//                      towards max_attempts (the platform throttles the robot, the message is fine)
//   give-up, the last of max_attempts, an unreadable payload → dead
// Failover: a "too fast" blocks the route's lane (rate_limited_wait_ms, or Retry-After); any other failure
// of a message that has other routes blocks the lane for a backoff of the lane's own failures. Either way,
// when another route of the message is usable at once the message goes again by it at once, uncounted.
// (The choice and the failover are bot/route_choice.h's, over bot/send_budget.h.)
// Rows of a platform without a Sender here are left pending, untouched, for a process that has one.
// A dead message is kept (`outbox`, `outbox retry <id>`), counted, and announced once to admin_route in the
// same write that marked it dead — unless it was itself going to admin_route's destination (no loops).
// At most once per `housekeeping_every_ms` it also prunes delivered rows and dedupe keys older than
// `retention_ms` and announces dead rows not yet announced (e.g. from before admin_route was configured).
//
// Contract:
//   1. Order per destination is kept (a destination has one head); one destination is never sent to twice
//      at once, and two of its sends are never closer than its pace (measured from the end of one send to
//      the start of the next, on the Clock). No lane sends past its budget (SendBudgets' bound), across
//      restarts too (the budgets are stored with the outcomes).
//   2. Delivery is at least once: a crash, or a failed write, between a send and its write sends that
//      message again. After a store failure (or once the Writer is stopped) nothing is sent for
//      store_failure_pause_ms, so a failing store cannot turn into a stream of re-sends.
//   3. Threads: the Job's run and next_due on the runner's thread only (one at a time); RetryDead and Wake
//      from any thread except the Writer's.
//   4. Lifetime: the MetricsRegistry keeps gauge callbacks into this object (its OutboxMetrics); the worker
//      must outlive every Render() of that registry, and the senders must outlive the worker.
// Units: epoch milliseconds throughout.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/job_runner.h"
#include "bot/metrics.h"
#include "bot/outbound.h"
#include "bot/outbox_metrics.h"
#include "bot/parsed_payloads.h"
#include "bot/route_choice.h"
#include "bot/send_budget.h"
#include "bot/status.h"
#include "store/outbox_repo.h"

namespace opsbot::store {
class Writer;
class ReadPool;
}  // namespace opsbot::store

namespace opsbot {

class OutboxWorker {
 public:
  // max_attempts, the backoff, its jitter and rate_limited_wait_ms are the RetryPolicy's.
  struct Options : RetryPolicy {
    // The least time between two messages to one destination, by platform (protocols.md: Slack about one
    // per second per channel; DingTalk and WeCom robots 20 per minute).
    // DingTalk and WeCom robots are paced by their send budgets instead (`limits`).
    std::map<std::string, long> pace_ms_by_platform = {{"slack", 1000}, {"dingtalk", 0}, {"wecom", 0}};
    long default_pace_ms = 1000;  // a platform not in the map
    // The send budget of each kind of lane (SendRoute::limit).
    std::map<std::string, SendLimit> limits = DefaultSendLimits();
    // Digests: when messages queue behind a destination's pace or budget, its head goes out with the
    // messages queued behind it (same channel and thread, in order, at most `digest_max` in all) merged
    // into one of at most this many bytes of text per platform: every text in full when they fit, else the
    // first lines of as many as fit (those that ping first) and the command that shows them all
    // (`digest <id>`). Each message it carries is then delivered. 0 bytes: never merge.
    std::map<std::string, std::size_t> digest_bytes_by_platform = {
        {"slack", 3000}, {"dingtalk", 18000}, {"wecom", 1800}};
    int digest_max = 500;
    long retention_ms = 7L * 24 * 3600 * 1000;
    long housekeeping_every_ms = 60000;
    // Where dead messages are announced (platform, destination, channel, language); its text is filled in.
    std::optional<OutboundMessage> admin_route;
    int parallel = 4;
    int batch = 64;  // rows loaded per run
    // After a store failure (or with the Writer stopped) nothing is sent for this long, so a write that
    // keeps failing cannot turn into a stream of re-sends of the same rows.
    long store_failure_pause_ms = 5000;
  };

  struct Deps {
    store::Writer& writer;
    store::ReadPool& reads;
    const Clock& clock;
    MetricsRegistry& metrics;
    std::map<std::string, Sender*> senders;  // by platform
    std::function<void()> wake;              // wakes the runner (JobRunner::Wake); may be empty
    // The send limits now (a reload may change them), read at each run; empty: Options::limits.
    std::function<std::map<std::string, SendLimit>()> limits;
  };

  // Registers the metrics.
  OutboxWorker(Deps deps, Options options);
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // This worker as a Job for the JobRunner.
  Job AsJob();
  // When there is next work: a destination's head becomes sendable, or housekeeping is due.
  std::optional<EpochMillis> NextDue();
  // One run: housekeeping if due, then the ready rows. What the Job runs.
  void Run(EpochMillis now);

  // Puts a dead message back (pending, attempts 0, due now) and wakes the runner. kNotFound for an unknown
  // id, kFailedPrecondition for a row that is not dead.
  Status RetryDead(std::int64_t id);
  // New work may be due (a row was committed): wakes the runner.
  void Wake();

  // The backoff before the next try after `attempts` failed attempts (1 = the first), with jitter drawn
  // from `u` in [-1, 1]: min(backoff_max, base * 2^(attempts-1)) * (1 + jitter * u) (bot/route_choice.h).
  long BackoffMs(int attempts, double u) const;

  // Stored messages parsed so far (each row's payload is parsed once while it is read run after run: see
  // bot/parsed_payloads.h). The runner thread's; for tests.
  std::uint64_t PayloadsParsed() const { return payloads_.parses(); }

 private:
  struct Attempt;
  struct Decision;

  // Makes `a` a digest of the messages queued behind its row, when there are any that fit.
  void MergeQueued(store::OutboxRepo& repo, Attempt& a);
  void SendAll(std::vector<Attempt>& attempts);
  void SendOne(Attempt& a);
  Decision Decide(const Attempt& a);
  // Loads the stored budgets once (false: the store failed).
  bool LoadBudgets();
  // Stores the budgets changed since the last write (false: the store failed; they stay to be stored).
  bool StoreBudgets();
  void Housekeep(EpochMillis now);
  void Pause(EpochMillis now);
  // Enqueues an announcement for each dead row not announced yet (in the caller's transaction).
  void Announce(store::OutboxRepo& repo, EpochMillis now) const;
  long PaceMs(const std::string& platform) const;
  // The platforms with a Sender here.
  std::vector<std::string> Platforms() const;

  Deps d_;
  Options o_;
  OutboxMetrics metrics_;                 // after d_, whose registry, reads and clock it takes
  EpochMillis next_housekeeping_at_ = 0;  // runner thread only
  EpochMillis paused_until_ = 0;          // runner thread only
  std::mt19937 rng_;                      // runner thread only
  SendBudgets budgets_;                   // runner thread only
  bool budgets_loaded_ = false;           // runner thread only
  ParsedPayloads payloads_;               // runner thread only
};

}  // namespace opsbot
