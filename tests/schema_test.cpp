// Unit tests for store/schema.h: migrations on a real SQLite file, and what migration 0008 leaves behind
// (no CHECK listing three or more values with IN, every check still refusing what it refused).
#include "store/schema.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/Exception.h>

#include <memory>
#include <regex>

#include "store/connection.h"
#include "store/migrations.h"
#include "tests/support/subprocess.h"

namespace opsbot::store {
namespace {

class SchemaTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> Open() {
    ConnectionOptions o;
    o.path = dir_.File("schema.db");
    auto c = Connection::Open(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }

  // Applies the migrations up to `version` as Migrate does, without the later ones.
  static void MigrateTo(Connection& conn, int version) {
    for (const Migration& m : Migrations()) {
      if (m.version > version) break;
      conn.Exec("BEGIN IMMEDIATE");
      conn.Exec(m.sql);
      conn.Exec("PRAGMA user_version=" + std::to_string(m.version));
      conn.Exec("COMMIT");
    }
  }

  // Whether `sql` fails with SQLite's CHECK constraint error.
  static bool CheckRefuses(Connection& conn, const std::string& sql) {
    try {
      conn.Exec(sql);
    } catch (const SQLite::Exception& e) {
      return std::string(e.what()).find("CHECK constraint failed") != std::string::npos;
    }
    return false;
  }

  // Whether running `sql` on this connection builds an ephemeral B-tree, as its compiled program says: the
  // schema the connection actually uses, not the text stored in sqlite_schema.
  static bool BuildsEphemeral(Connection& conn, const std::string& sql) {
    SQLite::Statement st(conn.db(), "EXPLAIN " + sql);
    while (st.executeStep())
      if (st.getColumn(1).getString() == "OpenEphemeral") return true;
    return false;
  }

  static constexpr const char* kInsertTicket =
      "INSERT INTO tickets (title, priority, state, reporter_id, created_at, updated_at) "
      "VALUES ('t', 3, 'open', 1, 0, 0)";
  static constexpr const char* kInsertOutbox =
      "INSERT INTO outbox (destination, platform, payload, state, due_at, created_at, updated_at) "
      "VALUES ('slack:C1', 'slack', '{}', 'pending', 0, 0, 0)";

  static std::string Schema(Connection& conn) {
    std::string all;
    SQLite::Statement st(conn.db(), "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name");
    while (st.executeStep())
      all += st.getColumn(0).getString() + "\n";
    return all;
  }

  static void ExpectEveryCheckHolds(Connection& conn) {
    conn.Exec(
        "INSERT INTO people (id, key, name, role, created_at, updated_at) VALUES (1, 'a', 'A', 'agent', 0, "
        "0)");
    EXPECT_TRUE(CheckRefuses(
        conn,
        "INSERT INTO people (key, name, role, created_at, updated_at) VALUES ('b', 'B', 'boss', 0, 0)"));
    const std::string ticket =
        "INSERT INTO tickets (title, priority, state, reporter_id, created_at, updated_at) VALUES ('t', 3, ";
    conn.Exec(ticket + "'resolved', 1, 0, 0)");
    EXPECT_TRUE(CheckRefuses(conn, ticket + "'done', 1, 0, 0)"));
    EXPECT_TRUE(CheckRefuses(conn, "UPDATE tickets SET state = 'Open'"));
    const std::string outbox =
        "INSERT INTO outbox (destination, platform, payload, state, due_at, created_at, updated_at) "
        "VALUES ('slack:C1', 'slack', '{}', ";
    conn.Exec(outbox + "'dead', 0, 0, 0)");
    EXPECT_TRUE(CheckRefuses(conn, outbox + "'sent', 0, 0, 0)"));
    EXPECT_TRUE(CheckRefuses(conn, "UPDATE outbox SET state = 'gone'"));
    const std::string code =
        "INSERT INTO bind_codes (code, person_id, platform, created_at, expires_at) VALUES ";
    conn.Exec(code + "('123456', 1, 'wecom', 0, 600)");
    EXPECT_TRUE(CheckRefuses(conn, code + "('654321', 1, 'irc', 0, 600)"));
    EXPECT_EQ(conn.db().execAndGet("PRAGMA integrity_check").getString(), "ok");
  }

  testing::TempDir dir_;
};

TEST_F(SchemaTest, ANewDatabaseGetsEveryMigrationAndItsVersion) {
  auto conn = Open();
  auto applied = Migrate(*conn);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, LatestSchemaVersion());
  EXPECT_EQ(SchemaVersion(*conn), LatestSchemaVersion());
  applied = Migrate(*conn);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, 0);
}

TEST_F(SchemaTest, NoCheckListsThreeOrMoreValuesWithIn) {
  auto conn = Open();
  ASSERT_TRUE(Migrate(*conn).ok());
  std::string schema = Schema(*conn);
  EXPECT_FALSE(std::regex_search(schema, std::regex(R"(CHECK \([^()]* IN \([^()]*,[^()]*,)"))) << schema;
  EXPECT_NE(
      schema.find("CHECK (state = 'open' OR state = 'acked' OR state = 'resolved' OR state = 'closed')"),
      std::string::npos)
      << schema;
  ExpectEveryCheckHolds(*conn);
  // A connection opened afterwards reads the same schema and the same checks.
  conn.reset();
  auto again = Open();
  EXPECT_EQ(Schema(*again), schema);
  EXPECT_TRUE(CheckRefuses(*again, "UPDATE tickets SET state = 'gone'"));
}

TEST_F(SchemaTest, MigrationEightKeepsTheRowsOfAnOlderDatabase) {
  auto conn = Open();
  MigrateTo(*conn, 7);
  ASSERT_EQ(SchemaVersion(*conn), 7);
  conn->Exec("INSERT INTO people (id, key, name, created_at, updated_at) VALUES (9, 'z', 'Z', 0, 0)");
  conn->Exec(
      "INSERT INTO tickets (id, title, priority, state, reporter_id, created_at, updated_at) "
      "VALUES (42, 'kept', 2, 'acked', 9, 0, 0)");
  // A second connection open across the migration reloads the schema (Migrate changes its cookie).
  auto other = Open();
  EXPECT_EQ(other->db().execAndGet("SELECT count(*) FROM tickets").getInt(), 1);
  EXPECT_TRUE(BuildsEphemeral(*other, kInsertTicket));  // the CHECK's IN list, before 0008
  auto applied = Migrate(*conn);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, LatestSchemaVersion() - 7);
  // Both the migrating connection (App hands it to the Writer) and the other one compile the new checks. The
  // other one finds the schema changed at its next statement's start (the cookie Migrate bumps; without it,
  // it would keep compiling the IN lists): EXPLAIN alone only compiles against the schema it holds.
  EXPECT_EQ(other->db().execAndGet("SELECT count(*) FROM tickets").getInt(), 1);
  for (Connection* c : {conn.get(), other.get()}) {
    SCOPED_TRACE(c == conn.get() ? "the migrating connection" : "the other connection");
    EXPECT_FALSE(BuildsEphemeral(*c, kInsertTicket));
    EXPECT_FALSE(BuildsEphemeral(*c, kInsertOutbox));
    EXPECT_FALSE(BuildsEphemeral(*c, "UPDATE outbox SET state = 'delivered' WHERE id = 1"));
  }
  EXPECT_EQ(conn->db().execAndGet("SELECT title || ' ' || state FROM tickets WHERE id = 42").getString(),
            "kept acked");
  EXPECT_EQ(Schema(*other), Schema(*conn));
  ExpectEveryCheckHolds(*other);
}

}  // namespace
}  // namespace opsbot::store
