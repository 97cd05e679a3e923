// DedupeRepo: the keys of requests already handled (platform redeliveries, replays), so each is acted on
// once. A key is inserted in the same transaction as the command it caused. Times are UTC epoch
// milliseconds. See Connection for the threading and error contract.
#pragma once

#include <optional>
#include <string>

#include "bot/clock.h"
#include "store/connection.h"

namespace opsbot::store {

class DedupeRepo {
 public:
  explicit DedupeRepo(Connection& conn) : conn_(conn) {}

  // Records `key`; false when it was there already.
  bool Insert(const std::string& key, EpochMillis now);
  // The first stored key that starts with `prefix` (which must end with ':'), if any.
  std::optional<std::string> FirstWithPrefix(const std::string& prefix);
  // A key that may belong to one holder only (DingTalk's signed header pair to one message): stores
  // "<key>:<holder>" unless "<key>:" already starts a stored key, and says whose it is now.
  enum class Claim { kFirst, kSameHolder, kOtherHolder };
  Claim ClaimFor(const std::string& key, const std::string& holder, EpochMillis now);
  // Deletes keys created before `before`. Returns how many.
  int Prune(EpochMillis before);

 private:
  Connection& conn_;
};

}  // namespace opsbot::store
