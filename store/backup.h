// Online backup and restore of an opsbot database, using SQLite's backup API.
//
// A backup is one self-contained SQLite file (journal_mode=DELETE, no -wal beside it) holding a consistent
// snapshot: the source is read in a single read transaction, so work committed by a live server (another
// process writing in WAL mode) either is in the backup completely or not at all. Neither function leaves a
// half-written file under the name it was asked to write.
#pragma once

#include <cstdint>
#include <string>

#include "bot/status.h"

namespace opsbot::store {

// Copies the database at `db_path` (which may be in use by a running server) to `dest_path`. Refuses
// (kInvalidArgument) if `dest_path` exists. The copy is written to `dest_path + ".partial"`, checked with
// PRAGMA integrity_check and renamed into place only when complete.
Status BackupDatabase(const std::string& db_path, const std::string& dest_path);

struct RestoreInfo {
  int schema_version = 0;    // of the restored database; older than LatestSchemaVersion() until migrated
  std::int64_t tickets = 0;  // rows in the restored tickets table
};

// Replaces the database at `db_path` (created if absent) with the backup at `backup_path`.
//
// The caller must hold the DbLock for `db_path`, so no opsbot process is using it. The backup is validated
// first and the live database is untouched if it fails: it must be an SQLite file that passes
// integrity_check, with a schema version in 1..LatestSchemaVersion() (kFailedPrecondition if newer) and a
// tickets table (kInvalidArgument otherwise). The copy into `db_path` is one write transaction through
// SQLite, so its -wal and -shm files stay consistent; the WAL is checkpointed and truncated afterwards.
Result<RestoreInfo> RestoreDatabase(const std::string& backup_path, const std::string& db_path);

}  // namespace opsbot::store
