// Schema versioning: applies the embedded migrations in order and refuses a database newer than this
// build. The version is SQLite's user_version.
#pragma once

#include "bot/status.h"
#include "store/connection.h"

namespace opsbot::store {

// The schema version this build writes.
int LatestSchemaVersion();

// The database's schema version (0 for a new, empty database).
int SchemaVersion(Connection& conn);

// Applies every pending migration, each in its own transaction. Refuses (kFailedPrecondition) a database
// whose version is newer than LatestSchemaVersion(). Returns the number of migrations applied.
Result<int> Migrate(Connection& conn);

}  // namespace opsbot::store
