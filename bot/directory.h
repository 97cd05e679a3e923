// Directory: who sent a message and from which chat, as the store knows them.
//
// Reads go through the caller's Connection (a read lease or the Writer's). A sender opsbot has never
// stored is a member with person_id 0; Ensure* stores them (inside the command's transaction) when a
// command needs a row to point at.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/command_spec.h"
#include "bot/config.h"
#include "bot/message.h"

namespace opsbot::store {
class Connection;
}

namespace opsbot {

Caller ResolveCaller(store::Connection& conn, const InboundMessage& msg);
ChatRef ResolveChat(store::Connection& conn, const InboundMessage& msg);

// The caller's person id, inserting a member row if they have none yet. Updates caller.person_id.
std::int64_t EnsurePerson(store::Connection& conn, Caller& caller, const InboundMessage& msg,
                          std::int64_t now);
// The chat's id, inserting a row if it has none yet; std::nullopt for a direct message.
std::optional<std::int64_t> EnsureChat(store::Connection& conn, ChatRef& chat, const InboundMessage& msg,
                                       std::int64_t now);

// A person named in a command ("@bob", "@张伟", "@U0123"): by key, then by exact display name, then by a
// platform handle (Slack user id, DingTalk staffId, WeCom userid).
struct PersonRef {
  std::int64_t id = 0;
  std::string key;
  std::string name;
};
std::optional<PersonRef> FindPersonByMention(store::Connection& conn, const std::string& mention);

}  // namespace opsbot
