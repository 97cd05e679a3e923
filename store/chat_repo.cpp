#include "store/chat_repo.h"

#include "store/directory_cache.h"
#include "store/row_mapping.h"

namespace opsbot::store {
namespace {

const char* kChatColumns =
    "id, key, name, language, timezone, slack_channel_id, dingtalk_conversation_id, wecom_chat_id, "
    "from_config";

ChatRow ReadChat(SQLite::Statement& st) {
  const Row row(st);
  ChatRow r;
  r.id = row.Int(0);
  r.key = row.Text(1);
  r.name = row.Text(2);
  r.language = row.Text(3);
  r.timezone = row.Text(4);
  r.slack_channel_id = row.Text(5);
  r.dingtalk_conversation_id = row.Text(6);
  r.wecom_chat_id = row.Text(7);
  r.from_config = row.Int(8) != 0;
  return r;
}

const char* ChatHandleColumn(ChatHandleKind kind) {
  switch (kind) {
    case ChatHandleKind::kKey:
      return "key";
    case ChatHandleKind::kSlack:
      return "slack_channel_id";
    case ChatHandleKind::kDingTalk:
      return "dingtalk_conversation_id";
    case ChatHandleKind::kWeCom:
      return "wecom_chat_id";
  }
  return "key";
}

void BindChat(SQLite::Statement& st, const ChatRow& r) {
  st.bind(1, r.key);
  st.bind(2, r.name);
  BindTextOrNull(st, 3, r.language);
  BindTextOrNull(st, 4, r.timezone);
  BindTextOrNull(st, 5, r.slack_channel_id);
  BindTextOrNull(st, 6, r.dingtalk_conversation_id);
  BindTextOrNull(st, 7, r.wecom_chat_id);
  st.bind(8, r.from_config ? 1 : 0);
}

}  // namespace

std::optional<ChatRow> ChatRepo::ById(std::int64_t id) {
  return conn_.directory().Get(conn_, conn_.directory().chats_by_id, id, [&]() -> std::optional<ChatRow> {
    auto& st = conn_.Prepare(std::string("SELECT ") + kChatColumns + " FROM chats WHERE id = ?");
    st.bind(1, static_cast<int64_t>(id));
    if (!st.executeStep()) return std::nullopt;
    return ReadChat(st);
  });
}

std::optional<std::string> ChatRepo::KeyOf(std::int64_t id) {
  return conn_.directory().KeyOf(conn_, conn_.directory().chat_keys_by_id,
                                 "SELECT key FROM chats WHERE id = ?", id);
}

std::optional<ChatRow> ChatRepo::ByHandle(ChatHandleKind kind, const std::string& handle) {
  auto& memo = conn_.directory().chats_by_handle[static_cast<int>(kind)];
  return conn_.directory().Get(conn_, memo, handle, [&]() -> std::optional<ChatRow> {
    auto& st = conn_.Prepare(std::string("SELECT ") + kChatColumns + " FROM chats WHERE " +
                             ChatHandleColumn(kind) + " = ?");
    st.bind(1, handle);
    if (!st.executeStep()) return std::nullopt;
    return ReadChat(st);
  });
}

std::vector<ChatRow> ChatRepo::All() {
  auto& st = conn_.Prepare(std::string("SELECT ") + kChatColumns + " FROM chats ORDER BY id");
  std::vector<ChatRow> out;
  while (st.executeStep())
    out.push_back(ReadChat(st));
  return out;
}

std::int64_t ChatRepo::Insert(const ChatRow& row, std::int64_t now) {
  auto& st = conn_.Prepare(
      "INSERT INTO chats (key, name, language, timezone, slack_channel_id, dingtalk_conversation_id, "
      "wecom_chat_id, from_config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  BindChat(st, row);
  st.bind(9, static_cast<int64_t>(now));
  st.bind(10, static_cast<int64_t>(now));
  st.exec();
  return conn_.LastInsertId();
}

void ChatRepo::Update(const ChatRow& row, std::int64_t now) {
  auto& st = conn_.Prepare(
      "UPDATE chats SET key = ?, name = ?, language = ?, timezone = ?, slack_channel_id = ?, "
      "dingtalk_conversation_id = ?, wecom_chat_id = ?, from_config = ?, updated_at = ? WHERE id = ?");
  BindChat(st, row);
  st.bind(9, static_cast<int64_t>(now));
  st.bind(10, static_cast<int64_t>(row.id));
  st.exec();
}

}  // namespace opsbot::store
