#include "store/backup.h"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>
#include <thread>

#include "store/connection.h"
#include "store/schema.h"

namespace opsbot::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int kStepAttempts = 20;
constexpr auto kStepRetryDelay = std::chrono::milliseconds(100);

namespace fs = std::filesystem;

// Copies all of `src` into `dest` in one step, retrying while either side is busy or locked.
Status CopyDatabase(SQLite::Database& dest, SQLite::Database& src, const std::string& what) {
  SQLite::Backup backup(dest, src);
  for (int attempt = 1;; ++attempt) {
    int rc = backup.executeStep(-1);
    if (rc == SQLITE_DONE) return Status::Ok();
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < kStepAttempts) {
      std::this_thread::sleep_for(kStepRetryDelay);
      continue;
    }
    return Status::Unavailable(what + ": the database stayed busy (" + sqlite3_errstr(rc) + ")");
  }
}

// The first line of PRAGMA integrity_check: "ok" for a sound database.
std::string IntegrityCheck(SQLite::Database& db) {
  return db.execAndGet("PRAGMA integrity_check").getString();
}

void RemoveQuietly(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
  fs::remove(path + "-journal", ec);
  fs::remove(path + "-wal", ec);
  fs::remove(path + "-shm", ec);
}

// Makes a rename in `path`'s directory durable. Best effort: a failure only weakens crash safety.
void SyncParentDir(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

// Writes the snapshot of `db_path` to `partial`; the caller removes it on failure.
Status WritePartial(const std::string& db_path, const std::string& partial) {
  SQLite::Database src(db_path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
  std::optional<SQLite::Database> dest;
  dest.emplace(partial, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
  Status s = CopyDatabase(*dest, src, "backup of " + db_path);
  if (!s.ok()) return s;
  // The copy carries the source's WAL flag; a backup is a single self-contained file.
  dest->exec("PRAGMA journal_mode=DELETE");
  std::string check = IntegrityCheck(*dest);
  if (check != "ok") {
    return Status::Internal("backup of " + db_path + " failed its integrity check: " + check);
  }
  dest.reset();  // closes the file; in DELETE mode every commit was synced
  return Status::Ok();
}

}  // namespace

Status BackupDatabase(const std::string& db_path, const std::string& dest_path) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dest_path, ec))) {
    return Status::Invalid("backup destination " + dest_path + " exists; choose a new file");
  }
  if (!fs::exists(db_path, ec)) return Status::NotFound("database " + db_path + " does not exist");
  const std::string partial = dest_path + ".partial";
  RemoveQuietly(partial);  // left by a backup that crashed
  Status s;
  try {
    s = WritePartial(db_path, partial);
  } catch (const SQLite::Exception& e) {
    s = Status::Internal("backup of " + db_path + " to " + dest_path + " failed: " + e.what());
  }
  if (s.ok() && std::rename(partial.c_str(), dest_path.c_str()) != 0) {
    s = Status::Internal("cannot rename " + partial + " to " + dest_path + ": " +
                         std::error_code(errno, std::generic_category()).message());
  }
  if (!s.ok()) {
    RemoveQuietly(partial);
    return s;
  }
  SyncParentDir(dest_path);
  return Status::Ok();
}

Result<RestoreInfo> RestoreDatabase(const std::string& backup_path, const std::string& db_path) {
  std::error_code ec;
  if (!fs::is_regular_file(backup_path, ec)) {
    return Status::NotFound("backup " + backup_path + " does not exist or is not a file");
  }
  if (SameFile(backup_path, db_path)) {
    return Status::Invalid("backup " + backup_path + " is the database itself; nothing to restore");
  }
  std::optional<SQLite::Database> src;
  RestoreInfo info;
  try {
    src.emplace(backup_path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
    std::string check = IntegrityCheck(*src);
    if (check != "ok") {
      return Status::Invalid("backup " + backup_path + " failed its integrity check: " + check);
    }
    info.schema_version = src->execAndGet("PRAGMA user_version").getInt();
  } catch (const SQLite::Exception& e) {
    return Status::Invalid("backup " + backup_path + " is not a readable SQLite database: " + e.what());
  }
  const int latest = LatestSchemaVersion();
  if (info.schema_version > latest) {
    return Status::Precondition("backup " + backup_path + " has schema version " +
                                std::to_string(info.schema_version) +
                                ", newer than this opsbot understands (" + std::to_string(latest) +
                                "): restore it with a newer opsbot");
  }
  if (info.schema_version <= 0 || !src->tableExists("tickets")) {
    return Status::Invalid("backup " + backup_path + " is not an opsbot database (schema version " +
                           std::to_string(info.schema_version) + ", this opsbot writes " +
                           std::to_string(latest) + ")");
  }

  ConnectionOptions options;
  options.path = db_path;
  options.create = true;
  options.busy_timeout_ms = kBusyTimeoutMs;
  auto conn = Connection::Open(options);
  if (!conn.ok()) return conn.status();
  try {
    Status s = CopyDatabase((*conn)->db(), *src, "restore of " + backup_path + " into " + db_path);
    if (!s.ok()) return s;
    (*conn)->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    info.schema_version = SchemaVersion(**conn);
    info.tickets = (*conn)->db().execAndGet("SELECT count(*) FROM tickets").getInt64();
  } catch (const SQLite::Exception& e) {
    return Status::Internal("restore of " + backup_path + " into " + db_path + " failed: " + e.what());
  }
  return info;
}

}  // namespace opsbot::store
