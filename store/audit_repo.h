// AuditRepo: one row per state change — who, through which channel, what, when, before and after.
// A ticket's history is its audit rows (entity "ticket"). Rows are only ever inserted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.h"

namespace opsbot::store {

struct AuditRow {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::optional<std::int64_t> actor_id;
  std::string actor;        // the actor's key at the time
  std::string channel;      // console, api, slack, dingtalk, wecom, system
  std::string integration;  // may be empty
  std::optional<std::int64_t> chat_id;
  std::string action;  // e.g. ticket.new
  std::string entity;  // e.g. ticket
  std::optional<std::int64_t> entity_id;
  std::string before;  // JSON or empty
  std::string after;   // JSON or empty
  std::string note;    // free text, e.g. a comment
};

class AuditRepo {
 public:
  explicit AuditRepo(Connection& conn) : conn_(conn) {}

  std::int64_t Insert(const AuditRow& row);
  std::vector<AuditRow> ForEntity(const std::string& entity, std::int64_t entity_id);
  std::vector<AuditRow> Recent(int limit);
  std::int64_t Count();

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
