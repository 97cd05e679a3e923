// SendBudgetRepo: the stored send budgets of migration 0007 (bot/send_budget.h), written by the
// OutboxWorker in the same transaction as its delivery outcomes. See Connection for the threading and error
// contract.
#pragma once

#include <vector>

#include "bot/send_budget.h"
#include "store/connection.h"

namespace opsbot::store {

class SendBudgetRepo {
 public:
  explicit SendBudgetRepo(Connection& conn) : conn_(conn) {}

  // Every lane, by key.
  std::vector<BudgetState> All();
  void Upsert(const BudgetState& state);
  void Upsert(const std::vector<BudgetState>& states);
  // Deletes lanes untouched since `before` (neither used nor blocked after it). Returns how many.
  int Prune(EpochMillis before);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
