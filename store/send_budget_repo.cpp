#include "store/send_budget_repo.h"

#include "store/row_mapping.h"

namespace opsbot::store {

std::vector<BudgetState> SendBudgetRepo::All() {
  auto& st = conn_.Prepare(
      "SELECT key, limit_name, destination, tokens, at, blocked_until, failures, last_error FROM "
      "send_budgets "
      "ORDER BY key");
  std::vector<BudgetState> out;
  const Row row(st);
  while (st.executeStep()) {
    BudgetState s;
    s.key = row.Text(0);
    s.limit = row.Text(1);
    s.destination = row.Text(2);
    s.tokens = st.getColumn(3).getDouble();
    s.at = row.Int(4);
    s.blocked_until = row.Int(5);
    s.failures = static_cast<int>(row.Int(6));
    s.last_error = row.Text(7);
    out.push_back(std::move(s));
  }
  return out;
}

void SendBudgetRepo::Upsert(const BudgetState& s) {
  auto& st = conn_.Prepare(
      "INSERT INTO send_budgets (key, limit_name, destination, tokens, at, blocked_until, failures, "
      "last_error) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (key) DO UPDATE SET limit_name = "
      "excluded.limit_name, "
      "destination = excluded.destination, tokens = excluded.tokens, at = excluded.at, "
      "blocked_until = excluded.blocked_until, failures = excluded.failures, last_error = "
      "excluded.last_error");
  st.bind(1, s.key);
  st.bind(2, s.limit);
  st.bind(3, s.destination);
  st.bind(4, s.tokens);
  st.bind(5, static_cast<int64_t>(s.at));
  st.bind(6, static_cast<int64_t>(s.blocked_until));
  st.bind(7, s.failures);
  st.bind(8, s.last_error);
  st.exec();
}

void SendBudgetRepo::Upsert(const std::vector<BudgetState>& states) {
  for (const BudgetState& s : states)
    Upsert(s);
}

int SendBudgetRepo::Prune(EpochMillis before) {
  auto& st = conn_.Prepare("DELETE FROM send_budgets WHERE at < ?1 AND blocked_until < ?1");
  st.bind(1, static_cast<int64_t>(before));
  return st.exec();
}

}  // namespace opsbot::store
