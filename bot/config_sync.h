// SyncConfigToStore: makes the store's people and chats agree with the config.
//
// The one written rule: the config wins on what it declares. For each declared person (by key) the
// name, role, time zone, language and declared handles are written; a declared handle held by another
// row is taken from it. People no longer declared keep their row but lose their role (members). Chats
// likewise. Each row changed gets an audit row (action config.sync). Runs in the caller's transaction:
// at start-up and on every accepted reload, through the Writer.
#pragma once

#include "bot/config.h"
#include "store/connection.h"

namespace opsbot {

struct SyncCounts {
  int people_changed = 0;
  int chats_changed = 0;
};

SyncCounts SyncConfigToStore(store::Connection& conn, const Config& config, std::int64_t now);

}  // namespace opsbot
