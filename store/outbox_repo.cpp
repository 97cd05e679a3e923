#include "store/outbox_repo.h"

#include "store/row_mapping.h"

namespace opsbot::store {
namespace {

const char* kOutboxColumns =
    "o.id, o.destination, o.platform, o.payload, o.state, o.attempts, o.due_at, o.created_at, o.updated_at, "
    "o.delivered_at, o.last_error, o.announced";

// Each destination (d) joined to its head (o), its oldest pending row: one seek in the partial index
// outbox_pending per destination. Migration 0005 keeps a destinations row for every destination with a
// pending row.
const char* kHeads =
    " FROM outbox_destinations d JOIN outbox o ON o.id = (SELECT p.id FROM outbox p WHERE p.destination = "
    "d.destination AND p.state = 'pending' ORDER BY p.id LIMIT 1)";

OutboxRow ReadOutbox(SQLite::Statement& st) {
  const Row row(st);
  OutboxRow r;
  r.id = row.Int(0);
  r.destination = row.Text(1);
  r.platform = row.Text(2);
  r.payload = row.Text(3);
  r.state = row.Text(4);
  r.attempts = static_cast<int>(row.Int(5));
  r.due_at = row.Int(6);
  r.created_at = row.Int(7);
  r.updated_at = row.Int(8);
  r.delivered_at = row.OptInt(9);
  r.last_error = row.Text(10);
  r.announced = row.Int(11) != 0;
  return r;
}

std::vector<OutboxRow> ReadOutboxRows(SQLite::Statement& st) {
  std::vector<OutboxRow> out;
  while (st.executeStep())
    out.push_back(ReadOutbox(st));
  return out;
}

}  // namespace

std::int64_t OutboxRepo::Enqueue(const std::string& destination, const std::string& platform,
                                 const std::string& payload_json, EpochMillis now) {
  auto& st = conn_.Prepare(
      "INSERT INTO outbox (destination, platform, payload, state, attempts, due_at, created_at, updated_at) "
      "VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)");
  st.bind(1, destination);
  st.bind(2, platform);
  st.bind(3, payload_json);
  st.bind(4, static_cast<int64_t>(now));
  st.bind(5, static_cast<int64_t>(now));
  st.bind(6, static_cast<int64_t>(now));
  st.exec();
  return conn_.LastInsertId();
}

std::optional<OutboxRow> OutboxRepo::Get(std::int64_t id) {
  auto& st = conn_.Prepare(std::string("SELECT ") + kOutboxColumns + " FROM outbox o WHERE o.id = ?");
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return std::nullopt;
  OutboxRow r = ReadOutbox(st);
  st.reset();
  return r;
}

namespace {

// ",slack,wecom," for the platform filter; "" for every platform.
std::string PlatformList(const std::vector<std::string>& platforms) {
  std::string out;
  for (const auto& p : platforms)
    out += "," + p;
  return out.empty() ? out : out + ",";
}

}  // namespace

std::vector<OutboxRow> OutboxRepo::Ready(EpochMillis now, int limit,
                                         const std::vector<std::string>& platforms) {
  auto& st =
      conn_.Prepare(std::string("SELECT ") + kOutboxColumns + kHeads +
                    " WHERE d.next_send_at <= ?1 AND o.due_at <= ?1"
                    " AND (?3 = '' OR instr(?3, ',' || o.platform || ',') > 0) ORDER BY o.id LIMIT ?2");
  st.bind(1, static_cast<int64_t>(now));
  st.bind(2, limit);
  st.bind(3, PlatformList(platforms));
  return ReadOutboxRows(st);
}

std::vector<OutboxRow> OutboxRepo::PendingAfter(const std::string& destination, std::int64_t after_id,
                                                int limit) {
  auto& st = conn_.Prepare(std::string("SELECT ") + kOutboxColumns +
                           " FROM outbox o WHERE o.destination = ? AND o.state = 'pending' AND o.id > ? "
                           "ORDER BY o.id LIMIT ?");
  st.bind(1, destination);
  st.bind(2, static_cast<int64_t>(after_id));
  st.bind(3, limit);
  return ReadOutboxRows(st);
}

std::optional<EpochMillis> OutboxRepo::NextDue(const std::vector<std::string>& platforms) {
  auto& st = conn_.Prepare(std::string("SELECT min(max(o.due_at, d.next_send_at))") + kHeads +
                           " WHERE ?1 = '' OR instr(?1, ',' || o.platform || ',') > 0");
  st.bind(1, PlatformList(platforms));
  st.executeStep();
  std::optional<EpochMillis> out = Row(st).OptInt(0);
  st.reset();
  return out;
}

void OutboxRepo::MarkDelivered(std::int64_t id, EpochMillis now, EpochMillis next_send_at,
                               const std::string& lane) {
  auto& st = conn_.Prepare(
      "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?1, updated_at = ?1, "
      "lane = nullif(?3, '') WHERE id = ?2 AND state = 'pending'");
  st.bind(1, static_cast<int64_t>(now));
  st.bind(2, static_cast<int64_t>(id));
  st.bind(3, lane);
  st.exec();
  auto& pace = conn_.Prepare(
      "INSERT INTO outbox_destinations (destination, next_send_at) SELECT destination, ?1 FROM outbox WHERE "
      "id = ?2 "
      "ON CONFLICT (destination) DO UPDATE SET next_send_at = max(next_send_at, excluded.next_send_at)");
  pace.bind(1, static_cast<int64_t>(next_send_at));
  pace.bind(2, static_cast<int64_t>(id));
  pace.exec();
}

void OutboxRepo::MarkCarried(std::int64_t id, std::int64_t digest_id, EpochMillis now) {
  auto& st = conn_.Prepare(
      "UPDATE outbox SET state = 'delivered', delivered_at = ?1, updated_at = ?1, digest_of = ?3 "
      "WHERE id = ?2 AND state = 'pending'");
  st.bind(1, static_cast<int64_t>(now));
  st.bind(2, static_cast<int64_t>(id));
  st.bind(3, static_cast<int64_t>(digest_id));
  st.exec();
}

std::vector<OutboxRow> OutboxRepo::Carried(std::int64_t digest_id, int offset, int limit) {
  if (CarriedCount(digest_id) == 0) return {};
  auto& st =
      conn_.Prepare(std::string("SELECT ") + kOutboxColumns +
                    " FROM outbox o WHERE o.id = ?1 OR o.digest_of = ?1 ORDER BY o.id LIMIT ?2 OFFSET ?3");
  st.bind(1, static_cast<int64_t>(digest_id));
  st.bind(2, limit);
  st.bind(3, offset);
  return ReadOutboxRows(st);
}

int OutboxRepo::CarriedCount(std::int64_t digest_id) {
  auto& st = conn_.Prepare("SELECT count(*) FROM outbox WHERE digest_of = ?");
  st.bind(1, static_cast<int64_t>(digest_id));
  int n = st.executeStep() ? st.getColumn(0).getInt() : 0;
  st.reset();
  return n == 0 ? 0 : n + 1;
}

void OutboxRepo::Reschedule(std::int64_t id, int attempts, EpochMillis due_at, const std::string& error,
                            EpochMillis now) {
  auto& st = conn_.Prepare(
      "UPDATE outbox SET attempts = ?, due_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = "
      "'pending'");
  st.bind(1, attempts);
  st.bind(2, static_cast<int64_t>(due_at));
  BindTextOrNull(st, 3, error);
  st.bind(4, static_cast<int64_t>(now));
  st.bind(5, static_cast<int64_t>(id));
  st.exec();
}

void OutboxRepo::MarkDead(std::int64_t id, int attempts, const std::string& error, EpochMillis now) {
  auto& st = conn_.Prepare(
      "UPDATE outbox SET state = 'dead', attempts = ?, last_error = ?, updated_at = ?, announced = 0 "
      "WHERE id = ? AND state = 'pending'");
  st.bind(1, attempts);
  BindTextOrNull(st, 2, error);
  st.bind(3, static_cast<int64_t>(now));
  st.bind(4, static_cast<int64_t>(id));
  st.exec();
}

std::vector<OutboxRow> OutboxRepo::Dead(int limit) {
  auto& st = conn_.Prepare(std::string("SELECT ") + kOutboxColumns +
                           " FROM outbox o WHERE o.state = 'dead' ORDER BY o.id DESC LIMIT ?");
  st.bind(1, limit);
  return ReadOutboxRows(st);
}

std::vector<OutboxRow> OutboxRepo::DeadUnannounced(int limit) {
  auto& st = conn_.Prepare(std::string("SELECT ") + kOutboxColumns +
                           " FROM outbox o WHERE o.state = 'dead' AND o.announced = 0 ORDER BY o.id LIMIT ?");
  st.bind(1, limit);
  return ReadOutboxRows(st);
}

void OutboxRepo::MarkAnnounced(std::int64_t id) {
  auto& st = conn_.Prepare("UPDATE outbox SET announced = 1 WHERE id = ?");
  st.bind(1, static_cast<int64_t>(id));
  st.exec();
}

bool OutboxRepo::Retry(std::int64_t id, EpochMillis now) {
  auto& st = conn_.Prepare(
      "UPDATE outbox SET state = 'pending', attempts = 0, due_at = ?1, updated_at = ?1, announced = 0 "
      "WHERE id = ?2 AND state = 'dead'");
  st.bind(1, static_cast<int64_t>(now));
  st.bind(2, static_cast<int64_t>(id));
  return st.exec() == 1;
}

int OutboxRepo::PruneDelivered(EpochMillis before) {
  // updated_at is delivered_at for a delivered row, and is what the index outbox_state covers.
  auto& st = conn_.Prepare("DELETE FROM outbox WHERE state = 'delivered' AND updated_at < ?");
  st.bind(1, static_cast<int64_t>(before));
  int deleted = st.exec();
  auto& idle = conn_.Prepare(
      "DELETE FROM outbox_destinations WHERE next_send_at < ?1 AND NOT EXISTS "
      "(SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.destination = "
      "outbox_destinations.destination)");
  idle.bind(1, static_cast<int64_t>(before));
  idle.exec();
  return deleted;
}

namespace {

// Rows of (key, pending, dead, oldest pending created_at, next_send_at).
std::vector<OutboxStats> ReadStats(SQLite::Statement& st) {
  std::vector<OutboxStats> out;
  const Row row(st);
  while (st.executeStep()) {
    OutboxStats s;
    s.key = row.Text(0);
    s.pending = row.Int(1);
    s.dead = row.Int(2);
    s.oldest_pending_created_at = row.OptInt(3);
    s.next_send_at = row.OptInt(4);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::vector<OutboxStats> OutboxRepo::Stats() {
  auto& st = conn_.Prepare(
      "SELECT platform, sum(state = 'pending'), sum(state = 'dead'), "
      "min(CASE WHEN state = 'pending' THEN created_at END), NULL "
      "FROM outbox WHERE state IN ('pending', 'dead') GROUP BY platform ORDER BY platform");
  return ReadStats(st);
}

std::vector<OutboxStats> OutboxRepo::DestinationStats(int limit) {
  auto& st = conn_.Prepare(
      "SELECT o.destination, sum(o.state = 'pending') AS pending, sum(o.state = 'dead'), "
      "min(CASE WHEN o.state = 'pending' THEN o.created_at END), d.next_send_at "
      "FROM outbox o LEFT JOIN outbox_destinations d ON d.destination = o.destination "
      "WHERE o.state IN ('pending', 'dead') GROUP BY o.destination ORDER BY pending DESC, o.destination "
      "LIMIT ?");
  st.bind(1, limit);
  return ReadStats(st);
}

}  // namespace opsbot::store
