// Reply: a handler's platform-neutral answer; adapters render it.
#pragma once

#include <string>
#include <vector>

#include "bot/lang.h"

namespace opsbot {

enum class Outcome {
  kOk,         // done; any change is committed
  kRefused,    // not done, by rule: unknown command, usage, role, illegal transition, unknown id
  kError,      // not done: the store failed or opsbot is shutting down
  kDuplicate,  // a request already handled (same dedupe key): dropped, nothing to say
  kLate,       // not answered in time: the command goes on, and its reply will go through the outbox
  kReplayed,   // its one-use key (InboundMessage::one_use_key) already carried another request: refused
};

inline const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kRefused:
      return "refused";
    case Outcome::kError:
      return "error";
    case Outcome::kDuplicate:
      return "duplicate";
    case Outcome::kLate:
      return "late";
    case Outcome::kReplayed:
      return "replayed";
  }
  return "error";
}

// A message a command sends to another chat than the one it answers (e.g. an assignment's ping in the
// ticket's chat). The Router queues it in the outbox in the command's transaction, only when it succeeded.
struct Notice {
  std::string platform;  // "slack", "dingtalk", "wecom"
  std::string
      channel;  // the platform's chat id, as OutboundMessage::channel ("group:<id>" on DingTalk, WeCom)
  Lang lang = Lang::kEn;
  std::string text;
  std::vector<std::string> mention;  // person keys to ping
};

struct Reply {
  Outcome outcome = Outcome::kOk;
  Lang lang = Lang::kEn;
  std::string text;                  // plain text, lines separated by '\n'
  std::vector<std::string> mention;  // keys of people the text names with '@', for adapters that ping
  std::string command;               // the command id that produced it ("" when none matched)
  std::vector<Notice> notices;       // to other chats; not part of the stored reply
  // Never merged into an outbox digest: the user asked to read this very text (the `digest` command's
  // pages), so it goes out alone and in full, and a digest in front of it stops before it.
  bool whole = false;

  static Reply Ok(Lang l, std::string t) { return {Outcome::kOk, l, std::move(t), {}, {}, {}}; }
  static Reply Refused(Lang l, std::string t) { return {Outcome::kRefused, l, std::move(t), {}, {}, {}}; }
  static Reply Error(Lang l, std::string t) { return {Outcome::kError, l, std::move(t), {}, {}, {}}; }
};

}  // namespace opsbot
