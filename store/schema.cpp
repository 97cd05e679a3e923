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

Result<int> Migrate(Connection& conn) {
  try {
    int current = SchemaVersion(conn);
    if (current > LatestSchemaVersion()) {
      return Status::Precondition("database " + conn.path() + " has schema version " +
                                  std::to_string(current) + ", newer than this opsbot understands (" +
                                  std::to_string(LatestSchemaVersion()) + "): upgrade opsbot");
    }
    // 0008 rewrites sqlite_schema under writable_schema, which a defensive connection refuses (off by default
    // in SQLite; said here so that a build against a library defaulting it on still migrates).
    sqlite3_db_config(conn.db().getHandle(), SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr);
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
      tx.commit();
      ++applied;
    }
    return applied;
  } catch (const SQLite::Exception& e) {
    return Status::Internal(std::string("migration failed: ") + e.what());
  }
}

}  // namespace opsbot::store
