// ChatRepo: the chats aggregate — one row per chat, an id column per platform.
// See Connection for the threading and error contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.h"

namespace opsbot::store {

enum class ChatHandleKind { kKey, kSlack, kDingTalk, kWeCom };

struct ChatRow {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string language;  // "en", "zh" or empty
  std::string timezone;  // empty: the default
  std::string slack_channel_id;
  std::string dingtalk_conversation_id;
  std::string wecom_chat_id;
  bool from_config = false;
};

class ChatRepo {
 public:
  explicit ChatRepo(Connection& conn) : conn_(conn) {}

  std::optional<ChatRow> ById(std::int64_t id);
  // Only the key of row `id` (what a ticket shows of its chat).
  std::optional<std::string> KeyOf(std::int64_t id);
  std::optional<ChatRow> ByHandle(ChatHandleKind kind, const std::string& handle);
  std::optional<ChatRow> ByKey(const std::string& key) { return ByHandle(ChatHandleKind::kKey, key); }
  std::vector<ChatRow> All();
  std::int64_t Insert(const ChatRow& row, std::int64_t now);
  void Update(const ChatRow& row, std::int64_t now);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
