// Router: the one pipeline every chat message goes through.
//
//   normalise → find the command → authorise (deny when unsure) → parse arguments → execute → log
//
// Execution: the whole pipeline, from resolving the caller to the reply, runs on one connection in one
// transaction. A spec that mutates runs on the Writer in its own savepoint (a refusal rolls it back) and
// its reply is returned only after its batch committed; any other runs on a read connection. A message
// with a dedupe key, or whose reply goes through the outbox, runs on the Writer whatever its command: the
// key, the command's change and the queued reply commit together, and a second delivery of the same key
// is dropped (Outcome::kDuplicate).
// Thread-safe: Handle may be called from many threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "bot/clock.h"
#include "bot/command_registry.h"
#include "bot/config_holder.h"
#include "bot/message.h"
#include "bot/outbound.h"
#include "bot/reply.h"

namespace opsbot::store {
class Connection;
class Writer;
class ReadPool;
}  // namespace opsbot::store

namespace opsbot {

class Router {
 public:
  // Called once per handled message: command id ("" if none matched), outcome, seconds taken.
  using Observer = std::function<void(const std::string& command, Outcome outcome, double seconds)>;

  struct Deps {
    const CommandRegistry& registry;
    const ConfigHolder& config;
    store::Writer& writer;
    store::ReadPool& reads;
    const Clock& clock;
    Observer observer;  // may be empty
    // Called after a commit that queued a message in the outbox (wakes the delivery job); may be empty.
    std::function<void()> on_enqueued;
    // Splits a reply into the platform's messages before it is queued (one outbox row per message, each
    // paced and retried on its own), given where it goes (`to`: platform, channel, response_url); may be
    // empty (one row).
    std::function<std::vector<Reply>(const OutboundMessage& to, const Reply&)> split;
  };

  explicit Router(Deps deps) : d_(std::move(deps)) {}

  Reply Handle(const InboundMessage& msg) const;

 private:
  // One message's piece of the Writer's batch. Shared by the request thread and the writer thread.
  struct WriteJob {
    InboundMessage msg;
    std::vector<std::string> tokens;
    std::optional<CommandRegistry::Match> match;
    std::shared_ptr<const Config> config;
    Lang lang;  // writer thread until `reply` is set
    // Who carries the reply: kWaiting until the work runs or the request thread stops waiting; then
    // kAnswering (the work ran first: the reply goes back to the waiting caller) or kLate (the caller left
    // first: the work queues the reply in the outbox).
    enum : int { kWaiting, kAnswering, kLate };
    std::atomic<int> state{kWaiting};
    // Written by the writer thread, read after `reply` is set.
    std::optional<Reply> answer;
    bool duplicate = false;
    bool replayed = false;
    bool late = false;
    std::promise<Reply> reply;  // set once the batch committed or failed
  };
  Reply Dispatch(const InboundMessage& msg, std::string& command_id) const;
  Status RunWriteJob(WriteJob& job, store::Connection& conn) const;
  void FinishWriteJob(WriteJob& job, const Status& committed) const;
  // The pipeline on one connection, read or write: resolve the caller and chat, authorise, parse and
  // run the command. Sets `lang` as soon as the reply's language is known.
  Reply Answer(const InboundMessage& msg, const std::vector<std::string>& tokens,
               const std::optional<CommandRegistry::Match>& match, const Config& config,
               store::Connection& conn, Lang& lang) const;
  // Queues the reply for the platform, in the caller's transaction.
  // Queues a command's notice to another chat (split like a reply, with the not-pinged note).
  void EnqueueNotice(store::Connection& conn, const Notice& notice, EpochMillis now) const;
  // `out` as one outbox row per platform message (Deps::split), its text with the not-pinged note.
  void EnqueueSplit(store::Connection& conn, OutboundMessage out, EpochMillis now) const;
  void EnqueueReply(store::Connection& conn, const InboundMessage& msg, const Reply& reply,
                    EpochMillis now) const;
  Reply Unknown(const std::vector<std::string>& tokens, const Caller& caller, Lang lang) const;

  Deps d_;
};

// The reply language: the person's setting, else Chinese if a Chinese alias was typed, else the chat's,
// else the configured default.
Lang ChooseLang(const Caller& caller, bool chinese_alias, const ChatRef& chat, Lang fallback);

}  // namespace opsbot
