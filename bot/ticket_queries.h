// TicketQueries: read-only ticket data for other systems (the JSON API), as JSON values.
//
// An interface because adapters may not touch the store: commands/ implements it over the ReadPool, and
// the composition root hands it to the API adapter. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "bot/status.h"

namespace opsbot {

struct TicketQuery {
  std::string filter = "not_closed";  // not_closed | open | all
  std::optional<int> priority;
  std::optional<std::string> tag;
  std::optional<std::string> assignee;  // person key
  std::optional<std::int64_t> cursor;   // only tickets with a smaller id (the previous page's next_cursor)
  int limit = 50;                       // 1..200
};

class TicketQueries {
 public:
  virtual ~TicketQueries() = default;
  // {"tickets": [...], "next_cursor": id or null}, newest first. kNotFound for an unknown assignee.
  virtual Result<nlohmann::json> List(const TicketQuery& query) = 0;
  // One ticket with its history; kNotFound when there is none.
  virtual Result<nlohmann::json> Get(std::int64_t id) = 0;
};

}  // namespace opsbot
