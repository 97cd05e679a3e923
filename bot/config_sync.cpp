#include "bot/config_sync.h"

#include <nlohmann/json.hpp>

#include <set>

#include "bot/text.h"
#include "store/audit_repo.h"
#include "store/chat_repo.h"
#include "store/person_repo.h"

namespace opsbot {
namespace {

nlohmann::json PersonJson(const store::PersonRow& p) {
  return {{"key", p.key},
          {"name", p.name},
          {"role", p.role},
          {"timezone", p.timezone},
          {"language", p.language},
          {"slack", p.slack_user_id},
          {"dingtalk", p.dingtalk_staff_id},
          {"mobile", p.dingtalk_mobile},
          {"wecom", p.wecom_userid},
          {"from_config", p.from_config}};
}

nlohmann::json ChatJson(const store::ChatRow& c) {
  return {{"key", c.key},
          {"name", c.name},
          {"language", c.language},
          {"timezone", c.timezone},
          {"slack", c.slack_channel_id},
          {"dingtalk", c.dingtalk_conversation_id},
          {"wecom", c.wecom_chat_id},
          {"from_config", c.from_config}};
}

void Audit(store::Connection& conn, std::int64_t now, const char* entity, std::int64_t id,
           const nlohmann::json& before, const nlohmann::json& after) {
  store::AuditRow a;
  a.at = now;
  a.actor = "config";
  a.channel = "system";
  a.action = "config.sync";
  a.entity = entity;
  a.entity_id = id;
  a.before = before.is_null() ? "" : before.dump();
  a.after = after.dump();
  store::AuditRepo(conn).Insert(a);
}

// Takes `handle` of `kind` away from any other person that holds it (the config wins), auditing that row.
void FreePersonHandle(store::Connection& conn, store::PersonRepo& repo, store::HandleKind kind,
                      const std::string& handle, const std::string& key, std::int64_t now) {
  if (handle.empty()) return;
  auto holder = repo.ByHandle(kind, handle);
  if (!holder || EqualsIgnoreCase(holder->key, key)) return;
  nlohmann::json before = PersonJson(*holder);
  if (kind == store::HandleKind::kSlack) holder->slack_user_id.clear();
  if (kind == store::HandleKind::kDingTalk) holder->dingtalk_staff_id.clear();
  if (kind == store::HandleKind::kWeCom) holder->wecom_userid.clear();
  repo.Update(*holder, now);
  Audit(conn, now, "person", holder->id, before, PersonJson(*holder));
}

void FreeChatHandle(store::Connection& conn, store::ChatRepo& repo, store::ChatHandleKind kind,
                    const std::string& handle, const std::string& key, std::int64_t now) {
  if (handle.empty()) return;
  auto holder = repo.ByHandle(kind, handle);
  if (!holder || EqualsIgnoreCase(holder->key, key)) return;
  nlohmann::json before = ChatJson(*holder);
  if (kind == store::ChatHandleKind::kSlack) holder->slack_channel_id.clear();
  if (kind == store::ChatHandleKind::kDingTalk) holder->dingtalk_conversation_id.clear();
  if (kind == store::ChatHandleKind::kWeCom) holder->wecom_chat_id.clear();
  repo.Update(*holder, now);
  Audit(conn, now, "chat", holder->id, before, ChatJson(*holder));
}

int SyncPeople(store::Connection& conn, const Config& config, std::int64_t now) {
  store::PersonRepo repo(conn);
  int changed = 0;
  std::set<std::string> declared;
  for (const PersonConfig& p : config.people) {
    declared.insert(ToLowerAscii(p.id));
    auto existing = repo.ByKey(p.id);
    store::PersonRow row = existing.value_or(store::PersonRow{});
    nlohmann::json before = existing ? PersonJson(*existing) : nlohmann::json();
    row.key = p.id;
    row.name = p.name.empty() ? p.id : p.name;
    row.role = RoleName(p.role);
    row.timezone = p.timezone;
    row.language = p.language ? LangCode(*p.language) : "";
    // Declared handles win; undeclared ones keep what a platform or a bind stored.
    if (!p.slack_user_id.empty()) row.slack_user_id = p.slack_user_id;
    if (!p.dingtalk_staff_id.empty()) row.dingtalk_staff_id = p.dingtalk_staff_id;
    if (!p.dingtalk_mobile.empty()) row.dingtalk_mobile = p.dingtalk_mobile;
    if (!p.wecom_userid.empty()) row.wecom_userid = p.wecom_userid;
    row.from_config = true;
    nlohmann::json after = PersonJson(row);
    if (before == after) continue;
    FreePersonHandle(conn, repo, store::HandleKind::kSlack, row.slack_user_id, row.key, now);
    FreePersonHandle(conn, repo, store::HandleKind::kDingTalk, row.dingtalk_staff_id, row.key, now);
    FreePersonHandle(conn, repo, store::HandleKind::kWeCom, row.wecom_userid, row.key, now);
    if (existing) {
      repo.Update(row, now);
    } else {
      row.id = repo.Insert(row, now);
    }
    Audit(conn, now, "person", row.id, before, after);
    ++changed;
  }
  for (store::PersonRow row : repo.All()) {
    if (!row.from_config || declared.count(ToLowerAscii(row.key))) continue;
    nlohmann::json before = PersonJson(row);
    row.from_config = false;
    row.role = "member";
    repo.Update(row, now);
    Audit(conn, now, "person", row.id, before, PersonJson(row));
    ++changed;
  }
  return changed;
}

int SyncChats(store::Connection& conn, const Config& config, std::int64_t now) {
  store::ChatRepo repo(conn);
  int changed = 0;
  std::set<std::string> declared;
  for (const ChatConfig& c : config.chats) {
    declared.insert(ToLowerAscii(c.id));
    auto existing = repo.ByKey(c.id);
    store::ChatRow row = existing.value_or(store::ChatRow{});
    nlohmann::json before = existing ? ChatJson(*existing) : nlohmann::json();
    row.key = c.id;
    row.name = c.name.empty() ? c.id : c.name;
    row.language = c.language ? LangCode(*c.language) : "";
    row.timezone = c.timezone;
    if (!c.slack_channel_id.empty()) row.slack_channel_id = c.slack_channel_id;
    if (!c.dingtalk_conversation_id.empty()) row.dingtalk_conversation_id = c.dingtalk_conversation_id;
    if (!c.wecom_chat_id.empty()) row.wecom_chat_id = c.wecom_chat_id;
    row.from_config = true;
    nlohmann::json after = ChatJson(row);
    if (before == after) continue;
    FreeChatHandle(conn, repo, store::ChatHandleKind::kSlack, row.slack_channel_id, row.key, now);
    FreeChatHandle(conn, repo, store::ChatHandleKind::kDingTalk, row.dingtalk_conversation_id, row.key, now);
    FreeChatHandle(conn, repo, store::ChatHandleKind::kWeCom, row.wecom_chat_id, row.key, now);
    if (existing) {
      repo.Update(row, now);
    } else {
      row.id = repo.Insert(row, now);
    }
    Audit(conn, now, "chat", row.id, before, after);
    ++changed;
  }
  for (store::ChatRow row : repo.All()) {
    if (!row.from_config || declared.count(ToLowerAscii(row.key))) continue;
    nlohmann::json before = ChatJson(row);
    row.from_config = false;
    repo.Update(row, now);
    Audit(conn, now, "chat", row.id, before, ChatJson(row));
    ++changed;
  }
  return changed;
}

}  // namespace

SyncCounts SyncConfigToStore(store::Connection& conn, const Config& config, std::int64_t now) {
  return {SyncPeople(conn, config, now), SyncChats(conn, config, now)};
}

}  // namespace opsbot
