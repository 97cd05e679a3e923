// Connection: one SQLite connection with opsbot's pragmas and a cache of prepared statements.
//
// Not thread-safe: a Connection belongs to one thread at a time (the Writer's thread, or the holder of a
// ReadPool lease). Repositories take a Connection& and throw SQLite::Exception only on store failures
// (I/O, corruption, a broken constraint); the Writer and ReadPool catch those and report Status::Internal,
// rolling back the work in progress. Domain errors are values, never exceptions.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bot/status.h"

namespace opsbot::store {

class DirectoryCache;

enum class Synchronous { kNormal, kFull };

struct ConnectionOptions {
  std::string path;
  Synchronous synchronous = Synchronous::kNormal;
  bool read_only = false;
  bool create = true;
  int busy_timeout_ms = 5000;
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  SQLite::Database& db() { return db_; }
  const std::string& path() const { return path_; }

  // A prepared statement for `sql`, reset and with its bindings cleared. The reference stays valid for
  // the Connection's lifetime; do not use the same statement twice at once.
  SQLite::Statement& Prepare(const std::string& sql);

  // Resets every statement Prepare handed out since the last call, ending the implicit read a
  // half-stepped statement keeps open, and ends the unit of work for directory(). The Writer and ReadPool
  // call it after each piece of work.
  void ResetStatements();

  // This connection's memo of people and chats look-ups (the repositories use it); see DirectoryCache.
  DirectoryCache& directory() { return *directory_; }

  // Runs one or more statements without results, parsing them each time (migrations, pragmas).
  void Exec(const std::string& sql) { db_.exec(sql); }
  // Runs one statement without results from the statement cache: for the transaction control the
  // Writer, ReadPool and Router run on every piece of work (BEGIN, SAVEPOINT, RELEASE, COMMIT).
  void Step(const std::string& sql) { Prepare(sql).exec(); }

  std::int64_t LastInsertId() const { return db_.getLastInsertRowid(); }
  int Changes() const { return db_.getChanges(); }

 private:
  Connection(SQLite::Database db, std::string path);

  SQLite::Database db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
  std::vector<SQLite::Statement*> used_;  // handed out by Prepare since the last ResetStatements
  std::unique_ptr<DirectoryCache> directory_;
};

}  // namespace opsbot::store
