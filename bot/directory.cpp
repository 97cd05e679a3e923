#include "bot/directory.h"

#include <cctype>

#include "store/chat_repo.h"
#include "store/person_repo.h"

namespace opsbot {
namespace {

std::optional<store::HandleKind> PersonHandleKind(Channel c) {
  switch (c) {
    case Channel::kConsole:
    case Channel::kApi:
    case Channel::kSystem:
      return store::HandleKind::kKey;
    case Channel::kSlack:
      return store::HandleKind::kSlack;
    case Channel::kDingTalk:
      return store::HandleKind::kDingTalk;
    case Channel::kWeCom:
      return store::HandleKind::kWeCom;
  }
  return std::nullopt;
}

store::ChatHandleKind ChatKind(Channel c) {
  switch (c) {
    case Channel::kSlack:
      return store::ChatHandleKind::kSlack;
    case Channel::kDingTalk:
      return store::ChatHandleKind::kDingTalk;
    case Channel::kWeCom:
      return store::ChatHandleKind::kWeCom;
    default:
      return store::ChatHandleKind::kKey;
  }
}

// The key of someone met on a platform, e.g. "slack:U123"; console and API users are named by key.
std::string GeneratedKey(const InboundMessage& msg) {
  auto kind = PersonHandleKind(msg.channel);
  if (kind == store::HandleKind::kKey) return msg.user;
  return std::string(ChannelName(msg.channel)) + ":" + msg.user;
}

// A platform handle usable as a person's key as it stands: what config ids allow, from a handle's alphabet.
bool IsHandleKey(const std::string& handle) {
  if (handle.empty() || handle.size() > 64) return false;
  for (char ch : handle)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') return false;
  return true;
}

}  // namespace

Caller ResolveCaller(store::Connection& conn, const InboundMessage& msg) {
  Caller c;
  auto kind = PersonHandleKind(msg.channel);
  std::optional<store::PersonRow> row;
  if (kind && !msg.user.empty()) row = store::PersonRepo(conn).ByHandle(*kind, msg.user);
  if (!row) {
    // Someone met on a platform: named by their handle there when it is free as a key, else by the
    // platform id; in the language and time zone the platform gave, if it did.
    c.key = IsHandleKey(msg.user_name) && !store::PersonRepo(conn).ByKey(msg.user_name) ? msg.user_name
                                                                                        : GeneratedKey(msg);
    c.name = msg.user_name.empty() ? msg.user : msg.user_name;
    c.role = Role::kMember;  // anyone not declared is a member
    c.language = msg.user_language;
    c.timezone = msg.user_timezone;
    return c;
  }
  c.person_id = row->id;
  c.key = row->key;
  c.name = row->name;
  c.role = ParseRole(row->role).value_or(Role::kMember);
  c.language = ParseLang(row->language);
  c.timezone = row->timezone;
  return c;
}

ChatRef ResolveChat(store::Connection& conn, const InboundMessage& msg) {
  ChatRef ref;
  if (msg.chat.empty()) return ref;
  auto row = store::ChatRepo(conn).ByHandle(ChatKind(msg.channel), msg.chat);
  if (!row) {
    ref.key = msg.channel == Channel::kConsole || msg.channel == Channel::kApi
                  ? msg.chat
                  : std::string(ChannelName(msg.channel)) + ":" + msg.chat;
    ref.name = msg.chat;
    return ref;
  }
  ref.id = row->id;
  ref.key = row->key;
  ref.name = row->name;
  ref.language = ParseLang(row->language);
  ref.timezone = row->timezone;
  return ref;
}

std::int64_t EnsurePerson(store::Connection& conn, Caller& caller, const InboundMessage& msg,
                          std::int64_t now) {
  if (caller.person_id != 0) return caller.person_id;
  store::PersonRepo repo(conn);
  if (auto existing = repo.ByKey(caller.key)) return caller.person_id = existing->id;
  store::PersonRow row;
  row.key = caller.key;
  row.name = caller.name;
  if (caller.language) row.language = LangCode(*caller.language);
  row.timezone = caller.timezone;
  switch (msg.channel) {
    case Channel::kSlack:
      row.slack_user_id = msg.user;
      break;
    case Channel::kDingTalk:
      row.dingtalk_staff_id = msg.user;
      break;
    case Channel::kWeCom:
      row.wecom_userid = msg.user;
      break;
    default:
      break;
  }
  return caller.person_id = repo.Insert(row, now);
}

std::optional<std::int64_t> EnsureChat(store::Connection& conn, ChatRef& chat, const InboundMessage& msg,
                                       std::int64_t now) {
  if (chat.id != 0) return chat.id;
  if (chat.key.empty()) return std::nullopt;
  store::ChatRepo repo(conn);
  if (auto existing = repo.ByKey(chat.key)) return chat.id = existing->id;
  store::ChatRow row;
  row.key = chat.key;
  row.name = chat.name;
  switch (msg.channel) {
    case Channel::kSlack:
      row.slack_channel_id = msg.chat;
      break;
    case Channel::kDingTalk:
      row.dingtalk_conversation_id = msg.chat;
      break;
    case Channel::kWeCom:
      row.wecom_chat_id = msg.chat;
      break;
    default:
      break;
  }
  return chat.id = repo.Insert(row, now);
}

std::optional<PersonRef> FindPersonByMention(store::Connection& conn, const std::string& mention) {
  store::PersonRepo repo(conn);
  std::optional<store::PersonRow> row = repo.ByKey(mention);
  if (!row) {
    auto named = repo.ByName(mention);
    if (named.size() == 1) row = named.front();
  }
  // A platform's own mention ("@U0123" from Slack's mention picker) names the person by their handle.
  for (auto kind : {store::HandleKind::kSlack, store::HandleKind::kDingTalk, store::HandleKind::kWeCom}) {
    if (row) break;
    row = repo.ByHandle(kind, mention);
  }
  if (!row) return std::nullopt;
  return PersonRef{row->id, row->key, row->name};
}

}  // namespace opsbot
