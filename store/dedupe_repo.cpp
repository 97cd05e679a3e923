#include "store/dedupe_repo.h"

namespace opsbot::store {

bool DedupeRepo::Insert(const std::string& key, EpochMillis now) {
  auto& st = conn_.Prepare("INSERT OR IGNORE INTO dedupe_keys (key, created_at) VALUES (?, ?)");
  st.bind(1, key);
  st.bind(2, static_cast<int64_t>(now));
  st.exec();
  return conn_.Changes() == 1;
}

int DedupeRepo::Prune(EpochMillis before) {
  auto& st = conn_.Prepare("DELETE FROM dedupe_keys WHERE created_at < ?");
  st.bind(1, static_cast<int64_t>(before));
  return st.exec();
}

}  // namespace opsbot::store
