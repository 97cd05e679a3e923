// PersonRepo: the people aggregate — one row per person, a handle column per platform.
//
// Keys compare case-insensitively. Config-declared people carry from_config=1; people met on a platform
// are added with a generated key. See Connection for the threading and error contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.h"

namespace opsbot::store {

enum class HandleKind { kKey, kSlack, kDingTalk, kWeCom };

struct PersonRow {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string role = "member";
  std::string timezone;  // empty: not set
  std::string language;  // "en", "zh" or empty
  std::string slack_user_id;
  std::string dingtalk_staff_id;
  std::string dingtalk_mobile;
  std::string wecom_userid;
  bool from_config = false;
};

class PersonRepo {
 public:
  explicit PersonRepo(Connection& conn) : conn_(conn) {}

  std::optional<PersonRow> ById(std::int64_t id);
  // Only the key of row `id` (what a ticket shows of its people).
  std::optional<std::string> KeyOf(std::int64_t id);
  std::optional<PersonRow> ByHandle(HandleKind kind, const std::string& handle);
  std::optional<PersonRow> ByKey(const std::string& key) { return ByHandle(HandleKind::kKey, key); }
  // People whose display name equals `name` exactly (there may be several).
  std::vector<PersonRow> ByName(const std::string& name);
  std::vector<PersonRow> All();

  // Inserts and returns the new id. Throws on a duplicate key or handle.
  std::int64_t Insert(const PersonRow& row, std::int64_t now);
  // Writes every column of row.id.
  void Update(const PersonRow& row, std::int64_t now);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
