#include "store/round_robin_repo.h"

namespace opsbot::store {

std::optional<std::int64_t> RoundRobinRepo::Last(const std::string& team) {
  auto& st = conn_.Prepare("SELECT last_person_id FROM round_robin WHERE team = ?");
  st.bind(1, team);
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getInt64();
}

void RoundRobinRepo::SetLast(const std::string& team, std::int64_t person_id) {
  auto& st = conn_.Prepare(
      "INSERT INTO round_robin (team, last_person_id) VALUES (?, ?) "
      "ON CONFLICT(team) DO UPDATE SET last_person_id = excluded.last_person_id");
  st.bind(1, team);
  st.bind(2, static_cast<int64_t>(person_id));
  st.exec();
}

}  // namespace opsbot::store
