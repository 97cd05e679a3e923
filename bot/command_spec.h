// CommandSpec: a command as data — name, aliases, typed arguments, the role it needs, examples, handler.
//
// Help, usage errors, permission checks and Chinese aliases all come from these specs (see Router,
// CommandRegistry, help). Handlers run inside the Router's pipeline after authorisation and argument
// parsing; a handler of a spec with `mutates` runs on the Writer's thread inside its own savepoint, and
// any change it makes is rolled back unless it returns an ok Reply.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/clock.h"
#include "bot/config.h"
#include "bot/lang.h"
#include "bot/message.h"
#include "bot/messages.h"
#include "bot/reply.h"
#include "bot/role.h"

namespace opsbot::store {
class Connection;
}

namespace opsbot {

// Argument kinds. Positional kinds (kTicketId) come first in the line; the "anywhere" kinds are whole
// tokens found anywhere after the command words; kText takes what is left, in order.
enum class ArgKind {
  kTicketId,  // positional: T-12, t-12 or 12
  kPriority,  // anywhere: p1..p4
  kTags,      // anywhere, repeated: #tag
  kTagEdits,  // anywhere, repeated: #tag adds, -#tag removes
  kMention,   // anywhere: @person (at most one)
  kChoice,    // anywhere: one of `choices` (each a canonical word and its synonyms)
  kPage,      // anywhere: "page N" / "第N页"
  kText,      // the remaining words
};

struct Choice {
  std::string value;                  // canonical, e.g. "mine"
  std::vector<std::string> synonyms;  // e.g. "我的"
};

struct ArgSpec {
  ArgKind kind;
  std::string name;  // shown in usage: <title>, [@assignee]
  bool required = false;
  std::vector<Choice> choices;  // for kChoice
};

// Parsed arguments. Only the fields of the spec's ArgKinds are set.
struct Args {
  std::optional<std::int64_t> ticket;
  std::optional<int> priority;
  std::vector<std::string> tags_add;
  std::vector<std::string> tags_remove;
  std::optional<std::string> mention;  // without '@'
  std::optional<std::string> choice;   // canonical value
  std::optional<int> page;
  std::string text;
};

// Who is asking. person_id is 0 for someone opsbot has not stored yet (a member met for the first time).
struct Caller {
  std::int64_t person_id = 0;
  std::string key;
  std::string name;
  Role role = Role::kMember;
  std::optional<Lang> language;
  std::string timezone;
};

// Where it was asked. id is 0 for a chat not stored yet; key is empty for a direct message.
struct ChatRef {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::optional<Lang> language;
  std::string timezone;
};

struct CommandSpec;

// Everything a handler may use for one invocation. Valid for the handler call only.
struct CommandContext {
  const CommandSpec& spec;
  const Config& config;
  const InboundMessage& message;
  Caller caller;
  ChatRef chat;
  Lang lang;
  EpochSeconds now;
  std::string timezone;  // the zone to show times in: the caller's, else the chat's, else the default
  Args args;

  // A message from the catalogue in the reader's language.
  template <typename... A>
  std::string T(Msg id, A&&... a) const {
    return Tr(lang, id, std::forward<A>(a)...);
  }
  template <typename... A>
  Reply Ok(Msg id, A&&... a) const {
    return Reply::Ok(lang, T(id, std::forward<A>(a)...));
  }
  template <typename... A>
  Reply Refuse(Msg id, A&&... a) const {
    return Reply::Refused(lang, T(id, std::forward<A>(a)...));
  }
};

using Handler = std::function<Reply(CommandContext& ctx, store::Connection& conn)>;

struct CommandSpec {
  std::string id;                    // unique, e.g. "ticket.new"
  std::string name;                  // the English words that call it, e.g. "ticket new"
  std::vector<std::string> aliases;  // other words that call it, e.g. "建单", "new ticket"
  std::vector<ArgSpec> args;
  Role role = Role::kAdmin;  // the least role that may run it; defaults closed
  bool mutates = false;      // changes state: runs on the Writer
  Msg summary;               // one line for help
  std::vector<std::string> examples;
  Handler handler;
};

// "ticket new <title> [p1..p4] [#tag ...] [@assignee]", built from the spec.
std::string UsageLine(const CommandSpec& spec);

}  // namespace opsbot
