#include "store/dedupe_repo.h"

namespace opsbot::store {

bool DedupeRepo::Insert(const std::string& key, EpochMillis now) {
  auto& st = conn_.Prepare("INSERT OR IGNORE INTO dedupe_keys (key, created_at) VALUES (?, ?)");
  st.bind(1, key);
  st.bind(2, static_cast<int64_t>(now));
  st.exec();
  return conn_.Changes() == 1;
}

std::optional<std::string> DedupeRepo::FirstWithPrefix(const std::string& prefix) {
  // A range on the primary key: every key from "prefix" up to, not including, the prefix with its final
  // ':' raised to ';'.
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);
  auto& st = conn_.Prepare("SELECT key FROM dedupe_keys WHERE key >= ? AND key < ? ORDER BY key LIMIT 1");
  st.bind(1, prefix);
  st.bind(2, upper);
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getString();
}

DedupeRepo::Claim DedupeRepo::ClaimFor(const std::string& key, const std::string& holder, EpochMillis now) {
  const std::string prefix = key + ":";
  if (auto used = FirstWithPrefix(prefix))
    return *used == prefix + holder ? Claim::kSameHolder : Claim::kOtherHolder;
  Insert(prefix + holder, now);
  return Claim::kFirst;
}

int DedupeRepo::Prune(EpochMillis before) {
  auto& st = conn_.Prepare("DELETE FROM dedupe_keys WHERE created_at < ?");
  st.bind(1, static_cast<int64_t>(before));
  return st.exec();
}

}  // namespace opsbot::store
