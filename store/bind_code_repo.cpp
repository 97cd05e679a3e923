#include "store/bind_code_repo.h"

namespace opsbot::store {

bool BindCodeRepo::Insert(const BindCodeRow& row) {
  auto& st = conn_.Prepare(
      "INSERT INTO bind_codes (code, person_id, platform, created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (code) DO NOTHING");
  st.bind(1, row.code);
  st.bind(2, static_cast<int64_t>(row.person_id));
  st.bind(3, row.platform);
  st.bind(4, static_cast<int64_t>(row.created_at));
  st.bind(5, static_cast<int64_t>(row.expires_at));
  return st.exec() == 1;
}

std::optional<BindCodeRow> BindCodeRepo::Find(const std::string& code) {
  auto& st = conn_.Prepare(
      "SELECT code, person_id, platform, created_at, expires_at, used_at FROM bind_codes WHERE code = ?");
  st.bind(1, code);
  if (!st.executeStep()) return std::nullopt;
  BindCodeRow r;
  r.code = st.getColumn(0).getString();
  r.person_id = st.getColumn(1).getInt64();
  r.platform = st.getColumn(2).getString();
  r.created_at = st.getColumn(3).getInt64();
  r.expires_at = st.getColumn(4).getInt64();
  if (!st.getColumn(5).isNull()) r.used_at = st.getColumn(5).getInt64();
  st.reset();
  return r;
}

bool BindCodeRepo::MarkUsed(const std::string& code, std::int64_t now) {
  auto& st = conn_.Prepare("UPDATE bind_codes SET used_at = ? WHERE code = ? AND used_at IS NULL");
  st.bind(1, static_cast<int64_t>(now));
  st.bind(2, code);
  return st.exec() == 1;
}

}  // namespace opsbot::store
