// BindCodeRepo: the one-time codes of `bind` (migration 0006). Times are UTC epoch seconds. See Connection
// for the threading and error contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/connection.h"

namespace opsbot::store {

struct BindCodeRow {
  std::string code;
  std::int64_t person_id = 0;
  std::string platform;  // where it must be said
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
};

class BindCodeRepo {
 public:
  explicit BindCodeRepo(Connection& conn) : conn_(conn) {}

  // Stores a new code; false when `code` is taken (the caller draws another).
  bool Insert(const BindCodeRow& row);
  std::optional<BindCodeRow> Find(const std::string& code);
  // Marks the code used (or burned) at `now`; false when it was already.
  bool MarkUsed(const std::string& code, std::int64_t now);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
