#include "store/backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "store/connection.h"
#include "store/db_lock.h"
#include "store/schema.h"

namespace opsbot::store {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Connection> OpenDb(const std::string& path) {
  ConnectionOptions options;
  options.path = path;
  options.synchronous = Synchronous::kNormal;
  auto conn = Connection::Open(options);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(conn).value() : nullptr;
}

std::int64_t InsertTicket(Connection& conn, const std::string& title) {
  auto& st = conn.Prepare(
      "INSERT INTO tickets (title, priority, state, reporter_id, created_at, updated_at) "
      "VALUES (?, 2, 'open', 1, 1700000000, 1700000000)");
  st.bind(1, title);
  st.exec();
  return conn.LastInsertId();
}

std::int64_t CountTickets(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(*) FROM tickets").getInt64();
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("opsbot_backup_test_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = Path("live.db");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A migrated database with one person and `tickets` tickets.
  void CreateDb(const std::string& path, int tickets) {
    auto conn = OpenDb(path);
    ASSERT_TRUE(conn);
    auto migrated = Migrate(*conn);
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    conn->Exec(
        "INSERT INTO people (id, key, name, created_at, updated_at) "
        "VALUES (1, 'alice', 'Alice', 1700000000, 1700000000)");
    conn->Exec("BEGIN");
    for (int i = 0; i < tickets; ++i)
      InsertTicket(*conn, "seed " + std::to_string(i));
    conn->Exec("COMMIT");
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(BackupTest, BackupOfALiveDatabaseRestoresEverythingCommittedBefore) {
  CreateDb(db_, 200);

  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> last_committed{0};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto conn = OpenDb(db_);
    if (!conn) return;
    while (!stop.load()) {
      conn->Exec("BEGIN IMMEDIATE");
      std::int64_t id = 0;
      for (int i = 0; i < 20; ++i)
        id = InsertTicket(*conn, "live " + std::to_string(written.load()));
      conn->Exec("COMMIT");
      last_committed.store(id);
      written.fetch_add(1);
    }
  });
  while (written.load() < 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  const std::int64_t committed_before = last_committed.load();
  const std::string backup = Path("backup.db");
  Status s = BackupDatabase(db_, backup);
  const int batches_during = written.load();
  stop.store(true);
  writer.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(batches_during, 5);  // the writer was committing while the backup ran

  // One self-contained file.
  EXPECT_TRUE(fs::exists(backup));
  EXPECT_FALSE(fs::exists(backup + "-wal"));
  EXPECT_FALSE(fs::exists(backup + ".partial"));
  {
    SQLite::Database db(backup, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "delete");
  }

  const std::string restored = Path("restored.db");
  auto lock = DbLock::Acquire(restored, "restore");
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  auto info = RestoreDatabase(backup, restored);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->schema_version, LatestSchemaVersion());
  EXPECT_GE(info->tickets, committed_before);
  EXPECT_EQ(info->tickets, CountTickets(backup));

  SQLite::Database db(restored, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM tickets WHERE id <= " + std::to_string(committed_before))
                .getInt64(),
            committed_before);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT name FROM people WHERE id = 1").getString(), "Alice");
}

TEST_F(BackupTest, RestoreReplacesAnExistingDatabase) {
  CreateDb(db_, 3);
  const std::string backup = Path("three.db.bak");
  ASSERT_TRUE(BackupDatabase(db_, backup).ok());
  {
    auto conn = OpenDb(db_);
    ASSERT_TRUE(conn);
    for (int i = 0; i < 10; ++i)
      InsertTicket(*conn, "after the backup");
  }
  EXPECT_EQ(CountTickets(db_), 13);
  auto info = RestoreDatabase(backup, db_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->tickets, 3);
  EXPECT_EQ(CountTickets(db_), 3);
}

TEST_F(BackupTest, RefusesAnExistingDestination) {
  CreateDb(db_, 1);
  const std::string dest = Path("taken.db");
  { std::ofstream(dest) << "precious"; }
  Status s = BackupDatabase(db_, dest);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("exists; choose a new file"), std::string::npos) << s.message();
  std::ifstream in(dest);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(BackupTest, RestoreRefusesAGarbageFile) {
  const std::string garbage = Path("garbage.db");
  {
    std::ofstream out(garbage);
    for (int i = 0; i < 1000; ++i)
      out << "this is not an SQLite database\n";
  }
  const std::string target = Path("target.db");
  auto info = RestoreDatabase(garbage, target);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(info.status().message().find(garbage), std::string::npos) << info.status().message();
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(BackupTest, RestoreRefusesANewerSchema) {
  const std::string newer = Path("newer.db");
  CreateDb(newer, 2);
  {
    auto conn = OpenDb(newer);
    ASSERT_TRUE(conn);
    conn->Exec("PRAGMA user_version=" + std::to_string(LatestSchemaVersion() + 1));
  }
  CreateDb(db_, 5);
  auto info = RestoreDatabase(newer, db_);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kFailedPrecondition);
  const std::string& msg = info.status().message();
  EXPECT_NE(msg.find(std::to_string(LatestSchemaVersion() + 1)), std::string::npos) << msg;
  EXPECT_NE(msg.find("(" + std::to_string(LatestSchemaVersion()) + ")"), std::string::npos) << msg;
  EXPECT_EQ(CountTickets(db_), 5);  // untouched
}

TEST_F(BackupTest, RestoreRefusesADatabaseWithoutTickets) {
  const std::string other = Path("other.db");
  {
    SQLite::Database db(other, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY); PRAGMA user_version=1");
  }
  auto info = RestoreDatabase(other, Path("target.db"));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(info.status().message().find("not an opsbot database"), std::string::npos);
}

}  // namespace
}  // namespace opsbot::store
