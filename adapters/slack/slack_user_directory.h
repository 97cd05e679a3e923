// SlackUserDirectory: what opsbot learns about a Slack user it has no person row for, before their message
// runs: their handle, language (from their Slack locale) and time zone, asked of users.info once.
//
// An event carries only a user id, and a slash command a handle; neither says which language the person
// reads. So for a sender unknown to the store, Describe asks users.info (with a short timeout, inside
// Slack's 3 s) and fills InboundMessage::user_name, user_language and user_timezone; the Router then
// answers in that language, and the person's row, when a command makes one, keeps all three. Answers are
// cached per user id (a failure too, for a few minutes), so a user who only asks `help` costs one call;
// so is the store's answer that it knows someone, so a known sender costs no query per message.
// Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/slack/slack_sender.h"
#include "bot/clock.h"
#include "bot/message.h"

namespace opsbot {

class SlackUserDirectory {
 public:
  struct Deps {
    std::function<bool(const std::string& slack_user_id)> known;                 // a person row has this id
    std::function<Result<SlackUser>(const std::string& slack_user_id)> look_up;  // users.info
    const Clock& clock;
  };
  static constexpr EpochSeconds kKeepFound = 24 * 3600;  // a handle or locale rarely changes
  static constexpr EpochSeconds kKeepFailed = 300;       // users.info down or missing_scope: ask later
  static constexpr EpochSeconds kKeepKnown = 600;        // a row with their id: not asked about again

  explicit SlackUserDirectory(Deps deps, std::size_t max_entries = 10000)
      : d_(std::move(deps)), max_entries_(max_entries) {}

  // Fills what users.info says of message.user when the store does not know them.
  void Describe(InboundMessage& message);
  // users.info calls made so far (for tests and logs).
  std::size_t lookups() const;

 private:
  struct Entry {
    bool known = false;  // the store has a row with this id: nothing to fill
    std::optional<SlackUser> user;
    EpochSeconds expires = 0;
  };
  std::optional<SlackUser> Cached(const std::string& id);

  Deps d_;
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
  std::size_t lookups_ = 0;                       // guarded by mu_
};

}  // namespace opsbot
