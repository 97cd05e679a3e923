#include "store/schema.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include "store/migrations.h"

namespace opsbot::store {

int LatestSchemaVersion() {
  return Migrations().empty() ? 0 : Migrations().back().version;
}

int SchemaVersion(Connection& conn) {
  return conn.db().execAndGet("PRAGMA user_version").getInt();
}

namespace {

// SQLite's defensive mode, off while migrations run: 0008 rewrites sqlite_schema under writable_schema, which
// a defensive connection refuses. Off by default in SQLite; a library built to default it on gets it back
// after. Whatever a migration left of writable_schema is turned off after, whether the migrations succeeded
// or threw.
class DefensiveOff {
 public:
  explicit DefensiveOff(sqlite3* db) : db_(db) {
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, -1, &was_);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr);
  }
  ~DefensiveOff() {
    sqlite3_exec(db_, "PRAGMA writable_schema=OFF", nullptr, nullptr, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, was_, nullptr);
  }
  DefensiveOff(const DefensiveOff&) = delete;
  DefensiveOff& operator=(const DefensiveOff&) = delete;

 private:
  sqlite3* db_;
  int was_ = 0;
};

}  // namespace

Result<int> Migrate(Connection& conn) {
  try {
    int current = SchemaVersion(conn);
    if (current > LatestSchemaVersion()) {
      return Status::Precondition("database " + conn.path() + " has schema version " +
                                  std::to_string(current) + ", newer than this opsbot understands (" +
                                  std::to_string(LatestSchemaVersion()) + "): upgrade opsbot");
    }
    if (current == LatestSchemaVersion()) return 0;
    DefensiveOff defensive(conn.db().getHandle());
    int applied = 0;
    for (const Migration& m : Migrations()) {
      if (m.version <= current) continue;
      SQLite::Transaction tx(conn.db(), SQLite::TransactionBehavior::IMMEDIATE);
      conn.Exec(m.sql);
      conn.Exec("PRAGMA user_version=" + std::to_string(m.version));
      // A migration that rewrote sqlite_schema itself (0008) must change the schema cookie, so that every
      // connection reloads the schema; for the others it is one more change of a counter DDL moves anyway.
      int cookie = conn.db().execAndGet("PRAGMA schema_version").getInt();
      conn.Exec("PRAGMA schema_version=" + std::to_string(cookie + 1));
      // The new schema is parsed here, before the commit: a rewrite that left it malformed rolls back.
      std::string check = conn.db().execAndGet("PRAGMA quick_check").getString();
      if (check != "ok") throw SQLite::Exception("quick_check after " + m.name + ": " + check);
      tx.commit();
      ++applied;
    }
    return applied;
  } catch (const SQLite::Exception& e) {
    return Status::Internal(std::string("migration failed: ") + e.what());
  }
}

}  // namespace opsbot::store
