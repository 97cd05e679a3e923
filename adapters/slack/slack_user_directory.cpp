#include "adapters/slack/slack_user_directory.h"

#include <spdlog/spdlog.h>

#include "bot/time_format.h"

namespace opsbot {

void SlackUserDirectory::Describe(InboundMessage& message) {
  if (message.user.empty()) return;
  std::optional<SlackUser> user = Cached(message.user);
  if (!user) return;
  if (!user->handle.empty()) message.user_name = user->handle;
  message.user_language = LangFromLocale(user->locale);
  if (IsKnownTimeZone(user->timezone)) message.user_timezone = user->timezone;
}

std::optional<SlackUser> SlackUserDirectory::Cached(const std::string& id) {
  const EpochSeconds now = d_.clock.Now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(id);
    if (it != cache_.end() && it->second.expires > now)
      return it->second.known ? std::nullopt : it->second.user;
  }
  // Asked outside the lock: two first messages of one user at once may both ask; that is harmless.
  const bool known = d_.known(id);
  Result<SlackUser> found = known ? Result<SlackUser>(SlackUser{}) : d_.look_up(id);
  if (!found.ok()) spdlog::warn("slack: cannot describe user {}: {}", id, found.status().message());
  std::lock_guard lock(mu_);
  if (!known) ++lookups_;
  if (cache_.size() >= max_entries_) cache_.clear();  // bounded; a cleared entry is only asked again
  Entry& e = cache_[id];
  e.known = known;
  e.user = !known && found.ok() ? std::optional<SlackUser>(found.value()) : std::nullopt;
  e.expires = now + (known ? kKeepKnown : found.ok() ? kKeepFound : kKeepFailed);
  return e.user;
}

std::size_t SlackUserDirectory::lookups() const {
  std::lock_guard lock(mu_);
  return lookups_;
}

}  // namespace opsbot
