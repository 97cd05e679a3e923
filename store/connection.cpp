#include "store/connection.h"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "store/directory_cache.h"
#include "store/wal_buffer_vfs.h"

namespace opsbot::store {
namespace {

// Process-wide SQLite settings, applied once before the library initialises. Memory statistics take a
// global mutex on every allocation, which every connection's thread would contend on; opsbot never
// reads them.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// SQLite's update hook: a row of people or chats changed through this connection (directly or by a
// trigger; the tables have rowids, and their triggers keep the truncate optimisation off).
void OnRowChanged(void* directory, int, const char*, const char* table, sqlite3_int64) {
  if (std::strcmp(table, "people") == 0 || std::strcmp(table, "chats") == 0)
    static_cast<DirectoryCache*>(directory)->Changed();
}

}  // namespace

Connection::Connection(SQLite::Database db, std::string path)
    : db_(std::move(db)), path_(std::move(path)), directory_(std::make_unique<DirectoryCache>()) {
  sqlite3_update_hook(db_.getHandle(), OnRowChanged, directory_.get());
}

Connection::~Connection() {
  sqlite3_update_hook(db_.getHandle(), nullptr, nullptr);  // directory_ goes before db_ closes
}

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionOptions& options) {
  int flags = options.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  if (options.create && !options.read_only) flags |= SQLite::OPEN_CREATE;
  flags |= SQLite::OPEN_NOMUTEX;  // a Connection is used by one thread at a time
  ConfigureSqliteOnce();
  try {
    // Through WalBufferVfs: a commit reaches the -wal file in one write (store/wal_buffer_vfs.h).
    SQLite::Database db(options.path.c_str(), flags, options.busy_timeout_ms, WalBufferVfsName());
    if (!options.read_only) {
      // WAL lets readers run beside the one writer; checkpoints are run by the Checkpointer, not inline.
      db.exec("PRAGMA journal_mode=WAL");
      db.exec("PRAGMA wal_autocheckpoint=0");
    }
    db.exec(options.synchronous == Synchronous::kFull ? "PRAGMA synchronous=FULL"
                                                      : "PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA temp_store=MEMORY");
    return std::unique_ptr<Connection>(new Connection(std::move(db), options.path));
  } catch (const SQLite::Exception& e) {
    return Status::Unavailable("cannot open database " + options.path + ": " + e.what());
  }
}

SQLite::Statement& Connection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  // Each statement once: bounded by the cache even on a connection nobody resets (a few per work).
  if (std::find(used_.begin(), used_.end(), it->second.get()) == used_.end())
    used_.push_back(it->second.get());
  return *it->second;
}

void Connection::ResetStatements() {
  for (SQLite::Statement* st : used_)
    st->tryReset();
  used_.clear();
  directory_->EndUnit();
}

}  // namespace opsbot::store
