// The numbered schema migrations, embedded from store/migrations/NNNN_name.sql at build time.
#pragma once

#include <string>
#include <vector>

namespace opsbot::store {

struct Migration {
  int version;       // NNNN of the file name; the schema version after applying it
  std::string name;  // file name without extension
  std::string sql;
};

// Every migration, in ascending version order. Versions are 1, 2, 3, ... without gaps.
const std::vector<Migration>& Migrations();

}  // namespace opsbot::store
