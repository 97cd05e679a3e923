#include "store/ticket_repo.h"

#include "store/chat_repo.h"
#include "store/person_repo.h"
#include "store/row_mapping.h"

#include <algorithm>
#include <variant>

namespace opsbot::store {
namespace {

// A ticket with its tags in one row (tickets.tags, migration 0010). The keys of its people and chat come from
// the connection's DirectoryCache (FillKeys), not from joins: three rowid seeks a ticket saved.
const char* kSelect =
    "SELECT t.id, t.title, t.priority, t.state, t.reporter_id, t.assignee_id, t.chat_id, t.created_at, "
    "t.updated_at, t.acked_at, t.resolved_at, t.closed_at, t.ack_due_at, t.resolve_due_at, t.tags FROM "
    "tickets t";

constexpr char kTagSeparator = '\x1f';

unsigned char FoldAscii(char c) {
  return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

// Tags in the order `ORDER BY tag` gives under the column's NOCASE collation: bytes, ASCII letters folded.
bool NoCaseLess(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return FoldAscii(x) < FoldAscii(y); });
}

// The tags as ticket_tags keeps them: sorted, and one of each under its NOCASE collation, the first given
// (as INSERT OR IGNORE keeps it).
std::vector<std::string> UniqueTags(std::vector<std::string> tags) {
  std::stable_sort(tags.begin(), tags.end(), NoCaseLess);
  auto same = [](const std::string& a, const std::string& b) {
    return !NoCaseLess(a, b) && !NoCaseLess(b, a);
  };
  tags.erase(std::unique(tags.begin(), tags.end(), same), tags.end());
  return tags;
}

void BindJoinedTags(SQLite::Statement& st, int index, const std::vector<std::string>& unique_tags) {
  std::string joined;
  for (const std::string& tag : unique_tags) {
    if (!joined.empty()) joined += kTagSeparator;
    joined += tag;
  }
  BindTextOrNull(st, index, joined);
}

std::vector<std::string> SplitTags(std::string_view joined) {
  std::vector<std::string> tags;
  if (joined.empty()) return tags;
  std::size_t start = 0;
  for (std::size_t end; (end = joined.find(kTagSeparator, start)) != std::string_view::npos; start = end + 1)
    tags.emplace_back(joined.substr(start, end - start));
  tags.emplace_back(joined.substr(start));
  std::sort(tags.begin(), tags.end(), NoCaseLess);
  return tags;
}

TicketRow ReadTicket(SQLite::Statement& st) {
  const Row row(st);
  TicketRow r;
  r.id = row.Int(0);
  r.title = row.Text(1);
  r.priority = static_cast<int>(row.Int(2));
  r.state = row.Text(3);
  r.reporter_id = row.Int(4);
  r.assignee_id = row.OptInt(5);
  r.chat_id = row.OptInt(6);
  r.created_at = row.Int(7);
  r.updated_at = row.Int(8);
  r.acked_at = row.OptInt(9);
  r.resolved_at = row.OptInt(10);
  r.closed_at = row.OptInt(11);
  r.ack_due_at = row.OptInt(12);
  r.resolve_due_at = row.OptInt(13);
  r.tags = SplitTags(row.TextView(14));
  return r;
}

void FillKeys(Connection& conn, TicketRow& r) {
  PersonRepo people(conn);
  r.reporter_key = people.KeyOf(r.reporter_id).value_or("");
  if (r.assignee_id) r.assignee_key = people.KeyOf(*r.assignee_id).value_or("");
  if (r.chat_id) r.chat_key = ChatRepo(conn).KeyOf(*r.chat_id).value_or("");
}

// The WHERE clause for a filter and the values it binds, in order from index 1.
struct Where {
  std::string sql;
  std::vector<std::variant<std::string, std::int64_t>> values;
};

// When closed tickets are excluded, the partial index's own condition comes first, so both a page and a
// count can read tickets_active (which covers state, priority and assignee). `for_listing`: steer the
// planner to walk tickets_active (or the rowid) in id order, so a page needs no sort over every match: the
// state test is ORed equalities with a unary + (not an index term; an IN list of bound values would also
// build an ephemeral table on every run, ~30k instructions).
Where BuildWhere(const TicketFilter& f, bool for_listing) {
  Where w;
  std::vector<std::string> terms;
  auto has = [&f](const char* state) {
    return std::find(f.states.begin(), f.states.end(), state) != f.states.end();
  };
  const bool closed_excluded = !f.states.empty() && !has("closed");
  if (closed_excluded) terms.push_back("t.state != 'closed'");
  // Every state but closed (the default list): that condition alone says it, as the column's CHECK allows no
  // other state, and each row is spared the equalities.
  const bool every_other = has("open") && has("acked") && has("resolved");
  if (!f.states.empty() && !(closed_excluded && every_other)) {
    std::string test = for_listing ? "(" : "t.state IN (";
    for (std::size_t i = 0; i < f.states.size(); ++i) {
      test += for_listing ? (i ? " OR +t.state = ?" : "+t.state = ?") : (i ? ", ?" : "?");
      w.values.emplace_back(f.states[i]);
    }
    terms.push_back(test + ")");
  }
  if (f.priority) {
    terms.push_back("t.priority = ?");
    w.values.emplace_back(std::int64_t{*f.priority});
  }
  if (f.tag) {
    terms.push_back("EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = ?)");
    w.values.emplace_back(*f.tag);
  }
  if (f.assignee_id) {
    // Over the tickets not closed, tickets_active (which covers the assignee) beats someone's whole history
    // in tickets_assignee, closed tickets included: with 100,000 of them, 0.4 ms against 25 ms a count.
    terms.push_back(closed_excluded ? "+t.assignee_id = ?" : "t.assignee_id = ?");
    w.values.emplace_back(*f.assignee_id);
  }
  if (f.before_id) {
    terms.push_back("t.id < ?");
    w.values.emplace_back(*f.before_id);
  }
  for (std::size_t i = 0; i < terms.size(); ++i)
    w.sql += (i ? " AND " : " WHERE ") + terms[i];
  return w;
}

// Binds the filter's values; returns the next free index.
int BindWhere(SQLite::Statement& st, const Where& w) {
  int index = 1;
  for (const auto& v : w.values) {
    if (const auto* text = std::get_if<std::string>(&v)) {
      st.bind(index++, *text);
    } else {
      st.bind(index++, static_cast<int64_t>(std::get<std::int64_t>(v)));
    }
  }
  return index;
}

}  // namespace

std::int64_t TicketRepo::Insert(const TicketRow& r) {
  auto& st = conn_.Prepare(
      "INSERT INTO tickets (title, priority, state, reporter_id, assignee_id, chat_id, created_at, "
      "updated_at, acked_at, resolved_at, closed_at, ack_due_at, resolve_due_at, tags) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::vector<std::string> tags = UniqueTags(r.tags);
  st.bind(1, r.title);
  st.bind(2, r.priority);
  st.bind(3, r.state);
  st.bind(4, static_cast<int64_t>(r.reporter_id));
  BindOpt(st, 5, r.assignee_id);
  BindOpt(st, 6, r.chat_id);
  st.bind(7, static_cast<int64_t>(r.created_at));
  st.bind(8, static_cast<int64_t>(r.updated_at));
  BindOpt(st, 9, r.acked_at);
  BindOpt(st, 10, r.resolved_at);
  BindOpt(st, 11, r.closed_at);
  BindOpt(st, 12, r.ack_due_at);
  BindOpt(st, 13, r.resolve_due_at);
  BindJoinedTags(st, 14, tags);
  st.exec();
  std::int64_t id = conn_.LastInsertId();
  InsertTags(id, tags);
  return id;
}

std::optional<TicketRow> TicketRepo::Get(std::int64_t id) {
  auto& st = conn_.Prepare(std::string(kSelect) + " WHERE t.id = ?");
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return std::nullopt;
  TicketRow r = ReadTicket(st);
  st.reset();
  FillKeys(conn_, r);
  return r;
}

void TicketRepo::Update(const TicketRow& r) {
  auto& st = conn_.Prepare(
      "UPDATE tickets SET title = ?, priority = ?, state = ?, assignee_id = ?, updated_at = ?, acked_at = ?, "
      "resolved_at = ?, closed_at = ?, ack_due_at = ?, resolve_due_at = ?, tags = ? WHERE id = ?");
  std::vector<std::string> tags = UniqueTags(r.tags);
  st.bind(1, r.title);
  st.bind(2, r.priority);
  st.bind(3, r.state);
  BindOpt(st, 4, r.assignee_id);
  st.bind(5, static_cast<int64_t>(r.updated_at));
  BindOpt(st, 6, r.acked_at);
  BindOpt(st, 7, r.resolved_at);
  BindOpt(st, 8, r.closed_at);
  BindOpt(st, 9, r.ack_due_at);
  BindOpt(st, 10, r.resolve_due_at);
  BindJoinedTags(st, 11, tags);
  st.bind(12, static_cast<int64_t>(r.id));
  st.exec();
  ReplaceTags(r.id, tags);
}

std::vector<TicketRow> TicketRepo::List(const TicketFilter& f) {
  Where w = BuildWhere(f, true);
  auto& st = conn_.Prepare(std::string(kSelect) + w.sql + " ORDER BY t.id DESC LIMIT ? OFFSET ?");
  int next = BindWhere(st, w);
  st.bind(next, f.limit);
  st.bind(next + 1, f.offset);
  std::vector<TicketRow> out;
  out.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(f.limit, 0, 200)));
  while (st.executeStep())
    out.push_back(ReadTicket(st));
  st.reset();
  for (TicketRow& r : out)
    FillKeys(conn_, r);
  return out;
}

std::int64_t TicketRepo::Count(const TicketFilter& f) {
  // By state only: the running counts kept by migration 0004's triggers, one row per state, summed here (an
  // IN list of bound states would build an ephemeral table on every run).
  if (!f.priority && !f.tag && !f.assignee_id && !f.before_id) {
    auto& st = conn_.Prepare("SELECT state, n FROM ticket_counts");
    std::int64_t total = 0;
    const Row row(st);
    while (st.executeStep())
      if (f.states.empty() || std::find(f.states.begin(), f.states.end(), row.TextView(0)) != f.states.end())
        total += row.Int(1);
    return total;
  }
  Where w = BuildWhere(f, false);
  auto& st = conn_.Prepare("SELECT count(*) FROM tickets t" + w.sql);
  BindWhere(st, w);
  st.executeStep();
  return Row(st).Int(0);
}

void TicketRepo::ReplaceTags(std::int64_t id, const std::vector<std::string>& tags) {
  auto& del = conn_.Prepare("DELETE FROM ticket_tags WHERE ticket_id = ?");
  del.bind(1, static_cast<int64_t>(id));
  del.exec();
  InsertTags(id, tags);
}

void TicketRepo::InsertTags(std::int64_t id, const std::vector<std::string>& tags) {
  for (const auto& tag : tags) {
    auto& ins = conn_.Prepare("INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)");
    ins.bind(1, static_cast<int64_t>(id));
    ins.bind(2, tag);
    ins.exec();
  }
}

std::vector<std::int64_t> TicketRepo::MovePerson(std::int64_t from, std::int64_t to, std::int64_t now) {
  std::vector<std::int64_t> moved;
  auto& assigned = conn_.Prepare("SELECT id FROM tickets WHERE assignee_id = ? ORDER BY id");
  assigned.bind(1, static_cast<int64_t>(from));
  while (assigned.executeStep())
    moved.push_back(Row(assigned).Int(0));
  auto& assignee =
      conn_.Prepare("UPDATE tickets SET assignee_id = ?1, updated_at = ?3 WHERE assignee_id = ?2");
  assignee.bind(1, static_cast<int64_t>(to));
  assignee.bind(2, static_cast<int64_t>(from));
  assignee.bind(3, static_cast<int64_t>(now));
  assignee.exec();
  auto& reporter = conn_.Prepare("UPDATE tickets SET reporter_id = ?1 WHERE reporter_id = ?2");
  reporter.bind(1, static_cast<int64_t>(to));
  reporter.bind(2, static_cast<int64_t>(from));
  reporter.exec();
  return moved;
}

}  // namespace opsbot::store
