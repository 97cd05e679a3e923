// OutboxRepo: the outbox aggregate — every message opsbot sends that does not go back in an HTTP response,
// and the pacing state of each destination (outbox_destinations).
//
// Invariants the OutboxWorker relies on:
//   1. order per destination: only the oldest pending row (lowest id) of a destination is ever Ready, so a
//      destination's messages leave in the order they were enqueued, and a head waiting for its backoff
//      holds back the rest of its destination;
//   2. pace: a destination's head is Ready only once its next_send_at has passed (every destination with a
//      pending row has an outbox_destinations row, kept by the triggers of migration 0005);
//   3. a row is pending, delivered or dead; dead rows are kept until Retry puts them back (never pruned).
// Units: every time is UTC epoch milliseconds. See Connection for the threading and error contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "store/connection.h"

namespace opsbot::store {

struct OutboxRow {
  std::int64_t id = 0;
  std::string destination;  // e.g. slack:C0123
  std::string platform;     // slack, dingtalk, wecom
  std::string payload;      // JSON (OutboundMessage::ToJson)
  std::string state;        // pending, delivered, dead
  int attempts = 0;         // delivery attempts made so far
  EpochMillis due_at = 0;
  EpochMillis created_at = 0;
  EpochMillis updated_at = 0;
  std::optional<EpochMillis> delivered_at;
  std::string last_error;
  bool announced = false;
};

// Pending and dead rows of one platform or one destination.
struct OutboxStats {
  std::string key;  // the platform or the destination
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  std::optional<EpochMillis> oldest_pending_created_at;
  std::optional<EpochMillis> next_send_at;  // by destination: when its pace lets it send again
};

class OutboxRepo {
 public:
  explicit OutboxRepo(Connection& conn) : conn_(conn) {}

  // A pending row, due at `now`. Returns its id.
  std::int64_t Enqueue(const std::string& destination, const std::string& platform,
                       const std::string& payload_json, EpochMillis now);
  std::optional<OutboxRow> Get(std::int64_t id);

  // The head (oldest pending row) of each destination whose due_at and next_send_at have passed, by id.
  // `platforms`: only rows of these platforms (e.g. "slack"); empty: every platform.
  std::vector<OutboxRow> Ready(EpochMillis now, int limit, const std::vector<std::string>& platforms = {});
  // The pending rows queued behind `after_id` in `destination`, oldest first; at most `limit`.
  std::vector<OutboxRow> PendingAfter(const std::string& destination, std::int64_t after_id, int limit);
  // When the next head becomes sendable: min over destinations of max(head.due_at, next_send_at).
  std::optional<EpochMillis> NextDue(const std::vector<std::string>& platforms = {});

  // Delivered on `lane`; the destination may send again from `next_send_at` on (never moved earlier).
  void MarkDelivered(std::int64_t id, EpochMillis now, EpochMillis next_send_at,
                     const std::string& lane = "");
  // Delivered inside the digest sent as row `digest_id`.
  void MarkCarried(std::int64_t id, std::int64_t digest_id, EpochMillis now);
  // The messages the digest sent as row `digest_id` carried (itself first, then by id), from the
  // `offset`-th on, at most `limit`; empty when it is unknown (or pruned).
  std::vector<OutboxRow> Carried(std::int64_t digest_id, int offset, int limit);
  // How many messages that digest carried, itself included (0: unknown or not a digest).
  int CarriedCount(std::int64_t digest_id);
  // Still pending, after `attempts` attempts; next try at `due_at`.
  void Reschedule(std::int64_t id, int attempts, EpochMillis due_at, const std::string& error,
                  EpochMillis now);
  // Dead: kept, not announced yet.
  void MarkDead(std::int64_t id, int attempts, const std::string& error, EpochMillis now);

  // Dead rows, newest first.
  std::vector<OutboxRow> Dead(int limit);
  // Dead rows not announced to the admins yet, oldest first.
  std::vector<OutboxRow> DeadUnannounced(int limit = 100);
  void MarkAnnounced(std::int64_t id);
  // A dead row back to pending: attempts 0, due `now`. False when the row is not dead (or absent).
  bool Retry(std::int64_t id, EpochMillis now);

  // Deletes delivered rows delivered before `before`, and the pacing state of idle destinations whose
  // next_send_at is before it. Returns the number of outbox rows deleted.
  int PruneDelivered(EpochMillis before);

  // Per platform with pending or dead rows, by platform name.
  std::vector<OutboxStats> Stats();
  // Per destination with pending or dead rows, the most pending first; at most `limit`.
  std::vector<OutboxStats> DestinationStats(int limit);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
