#include "store/schema.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>

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
    int applied = 0;
    for (const Migration& m : Migrations()) {
      if (m.version <= current) continue;
      SQLite::Transaction tx(conn.db(), SQLite::TransactionBehavior::IMMEDIATE);
      conn.Exec(m.sql);
      conn.Exec("PRAGMA user_version=" + std::to_string(m.version));
      tx.commit();
      ++applied;
    }
    return applied;
  } catch (const SQLite::Exception& e) {
    return Status::Internal(std::string("migration failed: ") + e.what());
  }
}

}  // namespace opsbot::store
