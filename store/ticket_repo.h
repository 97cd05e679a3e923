// TicketRepo: the tickets aggregate — a ticket row and its tags.
//
// States are the strings "open", "acked", "resolved", "closed". Times are UTC epoch seconds. The
// reporter_key/assignee_key/chat_key fields are filled by reads (joined) and ignored by writes.
// See Connection for the threading and error contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.h"

namespace opsbot::store {

struct TicketRow {
  std::int64_t id = 0;
  std::string title;
  int priority = 3;
  std::string state = "open";
  std::int64_t reporter_id = 0;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> chat_id;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> acked_at;
  std::optional<std::int64_t> resolved_at;
  std::optional<std::int64_t> closed_at;
  std::optional<std::int64_t> ack_due_at;
  std::optional<std::int64_t> resolve_due_at;
  std::vector<std::string> tags;  // sorted

  // Read-only, joined.
  std::string reporter_key;
  std::string assignee_key;
  std::string chat_key;
};

struct TicketFilter {
  std::vector<std::string> states;  // empty: any state
  std::optional<int> priority;
  std::optional<std::string> tag;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> before_id;  // cursor: only ids below this
  int limit = 10;
  int offset = 0;
};

class TicketRepo {
 public:
  explicit TicketRepo(Connection& conn) : conn_(conn) {}

  // Inserts the ticket and its tags; returns the new id.
  std::int64_t Insert(const TicketRow& row);

  // One person's tickets become another's (two rows found to be one human: `bind`). Returns the ids of the
  // tickets whose assignee changed, in id order; the reporter of the others changes too.
  std::vector<std::int64_t> MovePerson(std::int64_t from, std::int64_t to, std::int64_t now);
  std::optional<TicketRow> Get(std::int64_t id);
  // Writes every mutable column of row.id and replaces its tags.
  void Update(const TicketRow& row);
  // Newest first.
  std::vector<TicketRow> List(const TicketFilter& filter);
  std::int64_t Count(const TicketFilter& filter);

 private:
  void ReplaceTags(std::int64_t id, const std::vector<std::string>& tags);
  void InsertTags(std::int64_t id, const std::vector<std::string>& tags);  // a new ticket: none to delete

  Connection& conn_;
};

}  // namespace opsbot::store
