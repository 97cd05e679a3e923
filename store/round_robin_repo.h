// RoundRobinRepo: the last person each team's round-robin assigned, so rotation survives restarts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/connection.h"

namespace opsbot::store {

class RoundRobinRepo {
 public:
  explicit RoundRobinRepo(Connection& conn) : conn_(conn) {}

  std::optional<std::int64_t> Last(const std::string& team);
  void SetLast(const std::string& team, std::int64_t person_id);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
