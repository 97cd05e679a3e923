// StoreTicketQueries: TicketQueries over the store's read connections.
#pragma once

#include "bot/ticket_queries.h"
#include "store/read_pool.h"

namespace opsbot {

class StoreTicketQueries final : public TicketQueries {
 public:
  explicit StoreTicketQueries(store::ReadPool& reads) : reads_(reads) {}
  Result<nlohmann::json> List(const TicketQuery& query) override;
  Result<nlohmann::json> Get(std::int64_t id) override;

 private:
  store::ReadPool& reads_;
};

}  // namespace opsbot
