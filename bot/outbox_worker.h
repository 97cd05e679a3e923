// OutboxWorker: delivers the outbox — one Job ("outbox") on the JobRunner.
//
// Each run at `now`: load the ready heads (at most one row per destination, store::OutboxRepo::Ready) — a
// head with messages queued behind it goes out as a digest of them (Options::digest_bytes_by_platform) — send
// them through their platform's Sender on up to `parallel` threads, compute each outcome given the time the
// send finished, and write every outcome in one Writer transaction:
//   delivered        → delivered (with every message a digest carried); the destination may send again at
//                      finished + pace of its platform
//   retry / reauth   → attempts + 1, due at finished + max(Retry-After, backoff with jitter)
//   rate-limited     → the same, but due at finished + max(rate_limited_wait_ms, backoff), and not counted
//                      towards max_attempts (the platform throttles the robot, the message is fine)
//   give-up, the last of max_attempts, an unreadable payload → dead
// Rows of a platform without a Sender here are left pending, untouched, for a process that has one.
// A dead message is kept (`outbox`, `outbox retry <id>`), counted, and announced once to admin_route in the
// same write that marked it dead — unless it was itself going to admin_route's destination (no loops).
// At most once per `housekeeping_every_ms` it also prunes delivered rows and dedupe keys older than
// `retention_ms` and announces dead rows not yet announced (e.g. from before admin_route was configured).
//
// Contract:
//   1. Order per destination is kept (a destination has one head); one destination is never sent to twice
//      at once, and two of its sends are never closer than its pace (measured from the end of one send to
//      the start of the next, on the Clock).
//   2. Delivery is at least once: a crash, or a failed write, between a send and its write sends that
//      message again. After a store failure (or once the Writer is stopped) nothing is sent for
//      store_failure_pause_ms, so a failing store cannot turn into a stream of re-sends.
//   3. Threads: the Job's run and next_due on the runner's thread only (one at a time); RetryDead and Wake
//      from any thread except the Writer's.
//   4. Lifetime: the MetricsRegistry keeps gauge callbacks into this object; the worker must outlive every
//      Render() of that registry, and the senders must outlive the worker.
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
#include "bot/status.h"
#include "store/outbox_repo.h"

namespace opsbot::store {
class Writer;
class ReadPool;
}  // namespace opsbot::store

namespace opsbot {

class OutboxWorker {
 public:
  struct Options {
    // The least time between two messages to one destination, by platform (protocols.md: Slack about one
    // per second per channel; DingTalk and WeCom robots 20 per minute).
    std::map<std::string, long> pace_ms_by_platform = {{"slack", 1000}, {"dingtalk", 3000}, {"wecom", 3000}};
    long default_pace_ms = 1000;  // a platform not in the map
    int max_attempts = 8;
    long backoff_base_ms = 1000;
    long backoff_max_ms = 300000;
    long rate_limited_wait_ms = 60000;  // after a DeliveryResult::rate_limited with no retry_after_ms
    // Digests: when messages queue behind a destination's pace, its head goes out with the messages queued
    // behind it (same channel and thread, in order) merged into one, up to this many bytes of text per
    // platform and `digest_max` messages. Each message it carries is then delivered. 0 bytes: never merge.
    std::map<std::string, std::size_t> digest_bytes_by_platform = {
        {"slack", 12000}, {"dingtalk", 18000}, {"wecom", 1800}};
    int digest_max = 50;
    double jitter = 0.2;  // the backoff is multiplied by a factor in [1 - jitter, 1 + jitter]
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
  // from `u` in [-1, 1]: min(backoff_max, base * 2^(attempts-1)) * (1 + jitter * u).
  long BackoffMs(int attempts, double u) const;

 private:
  struct Attempt;
  struct Decision;

  // Makes `a` a digest of the messages queued behind its row, when there are any that fit.
  void MergeQueued(store::OutboxRepo& repo, Attempt& a) const;
  void SendAll(std::vector<Attempt>& attempts);
  void SendOne(Attempt& a);
  Decision Decide(const Attempt& a);
  void Housekeep(EpochMillis now);
  void Pause(EpochMillis now);
  // Enqueues an announcement for each dead row not announced yet (in the caller's transaction).
  void Announce(store::OutboxRepo& repo, EpochMillis now) const;
  long PaceMs(const std::string& platform) const;
  // The platforms with a Sender here.
  std::vector<std::string> Platforms() const;
  MetricsRegistry::GaugeSamples StatsSamples(int which) const;

  Deps d_;
  Options o_;
  Family<Counter>* deliveries_ = nullptr;
  EpochMillis next_housekeeping_at_ = 0;  // runner thread only
  EpochMillis paused_until_ = 0;          // runner thread only
  std::mt19937 rng_;                      // runner thread only
};

// A one-line preview of a stored payload's text, at most `max_chars` characters.
std::string OutboxPreview(const std::string& payload_json, std::size_t max_chars = 60);

}  // namespace opsbot
