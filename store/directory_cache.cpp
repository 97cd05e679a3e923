#include "store/directory_cache.h"

#include <sqlite3.h>

#include "store/connection.h"

namespace opsbot::store {

bool DirectoryCache::Usable(Connection& conn) {
  if (pending_change_) return false;
  // Outside a transaction each statement reads its own snapshot, and nothing would end the unit of work.
  if (sqlite3_get_autocommit(conn.db().getHandle()) != 0) return false;
  if (checked_) return version_.has_value();
  auto& st = conn.Prepare("SELECT v FROM directory_version");
  std::optional<std::int64_t> version;
  if (st.executeStep()) version = st.getColumn(0).getInt64();
  st.reset();
  if (!version || version != version_) Clear();
  version_ = version;
  checked_ = true;
  return version.has_value();
}

std::optional<std::string> DirectoryCache::KeyOf(Connection& conn, Memo<std::int64_t, std::string>& memo,
                                                 const char* select, std::int64_t id) {
  return Get(conn, memo, id, [&]() -> std::optional<std::string> {
    auto& st = conn.Prepare(select);
    st.bind(1, static_cast<int64_t>(id));
    if (!st.executeStep()) return std::nullopt;
    return st.getColumn(0).getString();
  });
}

void DirectoryCache::Clear() {
  if (entries_ == 0) return;  // clear() walks every bucket, even of an empty map
  for (auto& memo : people_by_handle)
    memo.clear();
  people_by_id.clear();
  for (auto& memo : chats_by_handle)
    memo.clear();
  chats_by_id.clear();
  person_keys_by_id.clear();
  chat_keys_by_id.clear();
  entries_ = 0;
}

}  // namespace opsbot::store
