#include "store/person_repo.h"

#include "store/directory_cache.h"
#include "store/row_mapping.h"

namespace opsbot::store {
namespace {

const char* kPersonColumns =
    "id, key, name, role, timezone, language, slack_user_id, dingtalk_staff_id, dingtalk_mobile, "
    "wecom_userid, from_config";

PersonRow ReadPerson(SQLite::Statement& st) {
  const Row row(st);
  PersonRow r;
  r.id = row.Int(0);
  r.key = row.Text(1);
  r.name = row.Text(2);
  r.role = row.Text(3);
  r.timezone = row.Text(4);
  r.language = row.Text(5);
  r.slack_user_id = row.Text(6);
  r.dingtalk_staff_id = row.Text(7);
  r.dingtalk_mobile = row.Text(8);
  r.wecom_userid = row.Text(9);
  r.from_config = row.Int(10) != 0;
  return r;
}

const char* PersonHandleColumn(HandleKind kind) {
  switch (kind) {
    case HandleKind::kKey:
      return "key";
    case HandleKind::kSlack:
      return "slack_user_id";
    case HandleKind::kDingTalk:
      return "dingtalk_staff_id";
    case HandleKind::kWeCom:
      return "wecom_userid";
  }
  return "key";
}

void BindPerson(SQLite::Statement& st, const PersonRow& r) {
  st.bind(1, r.key);
  st.bind(2, r.name);
  st.bind(3, r.role);
  BindTextOrNull(st, 4, r.timezone);
  BindTextOrNull(st, 5, r.language);
  BindTextOrNull(st, 6, r.slack_user_id);
  BindTextOrNull(st, 7, r.dingtalk_staff_id);
  BindTextOrNull(st, 8, r.dingtalk_mobile);
  BindTextOrNull(st, 9, r.wecom_userid);
  st.bind(10, r.from_config ? 1 : 0);
}

}  // namespace

std::optional<PersonRow> PersonRepo::ById(std::int64_t id) {
  return conn_.directory().Get(conn_, conn_.directory().people_by_id, id, [&]() -> std::optional<PersonRow> {
    auto& st = conn_.Prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE id = ?");
    st.bind(1, static_cast<int64_t>(id));
    if (!st.executeStep()) return std::nullopt;
    return ReadPerson(st);
  });
}

std::optional<std::string> PersonRepo::KeyOf(std::int64_t id) {
  return conn_.directory().KeyOf(conn_, conn_.directory().person_keys_by_id,
                                 "SELECT key FROM people WHERE id = ?", id);
}

std::optional<PersonRow> PersonRepo::ByHandle(HandleKind kind, const std::string& handle) {
  auto& memo = conn_.directory().people_by_handle[static_cast<int>(kind)];
  return conn_.directory().Get(conn_, memo, handle, [&]() -> std::optional<PersonRow> {
    auto& st = conn_.Prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE " +
                             PersonHandleColumn(kind) + " = ?");
    st.bind(1, handle);
    if (!st.executeStep()) return std::nullopt;
    return ReadPerson(st);
  });
}

std::vector<PersonRow> PersonRepo::ByName(const std::string& name) {
  auto& st =
      conn_.Prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE name = ? ORDER BY id");
  st.bind(1, name);
  std::vector<PersonRow> out;
  while (st.executeStep())
    out.push_back(ReadPerson(st));
  return out;
}

std::vector<PersonRow> PersonRepo::All() {
  auto& st = conn_.Prepare(std::string("SELECT ") + kPersonColumns + " FROM people ORDER BY id");
  std::vector<PersonRow> out;
  while (st.executeStep())
    out.push_back(ReadPerson(st));
  return out;
}

std::int64_t PersonRepo::Insert(const PersonRow& row, std::int64_t now) {
  auto& st = conn_.Prepare(
      "INSERT INTO people (key, name, role, timezone, language, slack_user_id, dingtalk_staff_id, "
      "dingtalk_mobile, wecom_userid, from_config, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  BindPerson(st, row);
  st.bind(11, static_cast<int64_t>(now));
  st.bind(12, static_cast<int64_t>(now));
  st.exec();
  return conn_.LastInsertId();
}

void PersonRepo::Update(const PersonRow& row, std::int64_t now) {
  auto& st = conn_.Prepare(
      "UPDATE people SET key = ?, name = ?, role = ?, timezone = ?, language = ?, slack_user_id = ?, "
      "dingtalk_staff_id = ?, dingtalk_mobile = ?, wecom_userid = ?, from_config = ?, updated_at = ? "
      "WHERE id = ?");
  BindPerson(st, row);
  st.bind(11, static_cast<int64_t>(now));
  st.bind(12, static_cast<int64_t>(row.id));
  st.exec();
}

}  // namespace opsbot::store
