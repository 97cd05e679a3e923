// Tests for store/wal_buffer_vfs.h through store::Connection, which opens every database with it.
#include "store/wal_buffer_vfs.h"

#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>
#include <string>

#include "store/connection.h"

namespace opsbot::store {
namespace {

namespace fs = std::filesystem;

class WalBufferVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("opsbot_wal_buffer_test_" + std::to_string(getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    options_.path = (dir_ / "t.db").string();
    writer_ = Open();
    writer_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  }
  void TearDown() override {
    writer_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<Connection> Open() {
    auto conn = Connection::Open(options_);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }

  // One transaction of `rows` rows of `bytes` bytes each (a row of 3,000 bytes takes most of a page).
  static void Insert(Connection& conn, int rows, int bytes = 3000, const char* end = "COMMIT") {
    conn.Exec("BEGIN IMMEDIATE");
    for (int i = 0; i < rows; ++i) {
      auto& st = conn.Prepare("INSERT INTO t (v) VALUES (?)");
      st.bind(1, std::string(static_cast<std::size_t>(bytes), static_cast<char>('a' + i % 26)));
      st.exec();
    }
    conn.Exec(end);
  }

  static std::int64_t Count(Connection& conn) {
    return conn.db().execAndGet("SELECT count(*) FROM t").getInt64();
  }

  static std::string IntegrityCheck(Connection& conn) {
    return conn.db().execAndGet("PRAGMA integrity_check").getString();
  }

  // A transaction too big for a cache of 10 pages, so that it spills frames into the WAL, then rolled back.
  static void SpillAndRollBack(Connection& conn) {
    conn.Exec("PRAGMA cache_size=10");
    conn.Exec("BEGIN IMMEDIATE");
    conn.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
        "INSERT INTO u (v) SELECT randomblob(3000) FROM n");
    conn.Exec("ROLLBACK");
  }

  // Runs `child` in a forked process, which must end itself with _exit(code), so that nothing is closed and
  // no destructor runs (as in a crash); returns that code, or -1 if the process did not exit. A child that
  // returns exits with 98, one that throws with 99.
  template <typename Child>
  static int ExitCodeOfForked(Child child) {
    const pid_t pid = fork();
    if (pid == 0) {
      try {
        child();
        _exit(98);
      } catch (...) {
        _exit(99);
      }
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
  }

  std::uintmax_t WalBytes() const { return fs::file_size(options_.path + "-wal"); }

  fs::path dir_;
  ConnectionOptions options_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(WalBufferVfsTest, ACommitReachesTheWalInOneWrite) {
  Insert(*writer_, 1);  // the WAL's own header is written at its start, straight to the file
  const auto wal_before = WalBytes();
  const WalBufferStats before = GetWalBufferStats();
  Insert(*writer_, 12);
  const WalBufferStats after = GetWalBufferStats();
  const auto frames = (WalBytes() - wal_before) / (4096 + 24);
  ASSERT_GE(frames, 12u);
  EXPECT_EQ(after.flushes - before.flushes, 1u);
  EXPECT_EQ(after.buffered_writes - before.buffered_writes, 2 * frames);  // each frame's header and page
  EXPECT_EQ(after.direct_writes - before.direct_writes, 0u);
}

TEST_F(WalBufferVfsTest, AnotherConnectionReadsEveryCommitAsSoonAsItReturns) {
  auto reader = Open();
  std::int64_t expected = 0;
  for (int i = 0; i < 200; ++i) {
    const int rows = 1 + i % 7;
    Insert(*writer_, rows, i % 2 ? 3000 : 40);
    expected += rows;
    ASSERT_EQ(Count(*reader), expected) << "after commit " << i;
  }
  EXPECT_EQ(IntegrityCheck(*reader), "ok");
}

TEST_F(WalBufferVfsTest, ACommitLargerThanTheBufferIsWrittenWhole) {
  auto reader = Open();
  const WalBufferStats before = GetWalBufferStats();
  Insert(*writer_, 200);  // ~200 frames: the buffer holds 31
  EXPECT_GE(GetWalBufferStats().flushes - before.flushes, 6u);
  EXPECT_EQ(Count(*reader), 200);
  EXPECT_EQ(IntegrityCheck(*reader), "ok");
  writer_.reset();
  auto again = Open();
  EXPECT_EQ(Count(*again), 200);
}

// With a tiny page cache, a large transaction spills pages to the WAL before it commits and reads them
// back: frames that are not a commit's, written in place again and read through the buffer.
TEST_F(WalBufferVfsTest, ATransactionThatSpillsRollsBackOrCommitsIntact) {
  Insert(*writer_, 5);
  writer_->Exec("PRAGMA cache_size=10");
  Insert(*writer_, 150, 3000, "ROLLBACK");
  EXPECT_EQ(Count(*writer_), 5);
  EXPECT_EQ(IntegrityCheck(*writer_), "ok");
  writer_->Exec("BEGIN IMMEDIATE");
  for (int round = 0; round < 3; ++round)  // the same pages changed again after they spilled
    writer_->Exec("UPDATE t SET v = v || '!' WHERE id <= 5");
  writer_->Exec("COMMIT");
  Insert(*writer_, 150);
  auto reader = Open();
  EXPECT_EQ(Count(*reader), 155);
  EXPECT_EQ(reader->db().execAndGet("SELECT count(*) FROM t WHERE v LIKE '%!!!'").getInt64(), 5);
  EXPECT_EQ(IntegrityCheck(*reader), "ok");
}

TEST_F(WalBufferVfsTest, TheWalStartsOverAfterACheckpoint) {
  auto reader = Open();
  for (int i = 0; i < 5; ++i) {
    Insert(*writer_, 20);
    writer_->Exec("PRAGMA wal_checkpoint(RESTART)");
    Insert(*writer_, 3);
    ASSERT_EQ(Count(*reader), 23 * (i + 1));
  }
  writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  EXPECT_EQ(WalBytes(), 0u);
  Insert(*writer_, 4);
  EXPECT_EQ(Count(*reader), 23 * 5 + 4);
  EXPECT_EQ(IntegrityCheck(*reader), "ok");
}

// What COMMIT returned for is in the file: a process that ends without closing its connection (as a
// crash would end it) loses none of it.
TEST_F(WalBufferVfsTest, WhatWasCommittedOutlivesAProcessThatNeverClosed) {
  writer_.reset();
  const int code = ExitCodeOfForked([&] {
    auto conn = Connection::Open(options_);
    if (!conn.ok()) _exit(2);
    for (int i = 0; i < 30; ++i)
      Insert(**conn, 1 + i % 4, 2000);
    (*conn)->Exec("BEGIN IMMEDIATE");
    (*conn)->Exec("INSERT INTO t (v) VALUES ('never committed')");
    _exit(0);  // no COMMIT, no close, no checkpoint
  });
  ASSERT_EQ(code, 0);
  auto conn = Open();
  std::int64_t expected = 0;
  for (int i = 0; i < 30; ++i)
    expected += 1 + i % 4;
  EXPECT_EQ(Count(*conn), expected);
  EXPECT_EQ(IntegrityCheck(*conn), "ok");
}

// A transaction that spilled and changed spilled pages again has its frames rewritten in place, and SQLite
// then redoes their headers' checksums after the commit frame: those rewrites must reach the file, or a
// recovery from the file alone stops at the stale checksum and drops the commit (after a checkpoint copied
// it into the database: a corrupt one). Checked the hard way: a checkpoint, then the process ends without
// closing. (The flush before the write lock is released covers this too, all but the moment between the
// commit's publication and that release, which the rewrites going straight to the file close.)
TEST_F(WalBufferVfsTest, FramesRewrittenAfterTheCommitFrameAreInTheFileWhenItIsPublished) {
  writer_.reset();
  for (const bool checkpoint : {true, false}) {
    SCOPED_TRACE(checkpoint ? "checkpointed" : "not checkpointed");
    fs::remove(options_.path);
    fs::remove(options_.path + "-wal");
    fs::remove(options_.path + "-shm");
    const int code = ExitCodeOfForked([&] {
      auto conn = Connection::Open(options_);
      if (!conn.ok()) _exit(2);
      Connection& c = **conn;
      c.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      c.Exec(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
          "INSERT INTO t (v) SELECT 'T0-' || hex(randomblob(700)) FROM n");
      c.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
      c.Exec("UPDATE t SET v = 'Tx-' || substr(v, 4) WHERE id IN (1, 150, 300)");
      c.Exec("PRAGMA cache_size=10");
      c.Exec("BEGIN IMMEDIATE");
      c.Exec(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
          "INSERT INTO t (v) SELECT 'T1-' || hex(randomblob(700)) FROM n");
      c.Exec("UPDATE t SET v = 'T1-' || hex(randomblob(650)) WHERE id <= 40");
      c.Exec("UPDATE t SET v = 'T1-' || hex(randomblob(600)) WHERE id <= 40 OR id >= 290");
      const auto wal_before = fs::file_size(options_.path + "-wal");
      const WalBufferStats before = GetWalBufferStats();
      c.Exec("COMMIT");
      const WalBufferStats after = GetWalBufferStats();
      const auto frames = (fs::file_size(options_.path + "-wal") - wal_before) / (4096 + 24);
      if (after.direct_writes == before.direct_writes) _exit(3);  // no header was rewritten
      // Every write the COMMIT buffered is a new frame's header or page: the rewrites went to the file.
      if (after.buffered_writes - before.buffered_writes != 2 * frames) _exit(5);
      if (checkpoint) {
        auto other = Connection::Open(options_);
        if (!other.ok()) _exit(4);
        (*other)->Exec("PRAGMA wal_checkpoint(PASSIVE)");
      }
      _exit(0);  // no close
    });
    ASSERT_EQ(code, 0);
    auto conn = Open();
    EXPECT_EQ(Count(*conn), 600);
    EXPECT_EQ(conn->db().execAndGet("SELECT count(*) FROM t WHERE v LIKE 'T1-%'").getInt64(), 351);
    EXPECT_EQ(IntegrityCheck(*conn), "ok");
    conn.reset();
  }
}

// Frames a connection spilled for a transaction it then rolled back must not reach the file after it gave up
// the write lock: another connection may have committed its own frames at those offsets since.
TEST_F(WalBufferVfsTest, ARolledBackTransactionLeavesNothingToOverwriteAnotherWritersCommit) {
  writer_->Exec("CREATE TABLE u (id INTEGER PRIMARY KEY, v BLOB)");
  auto other = Open();
  other->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  SpillAndRollBack(*writer_);
  Insert(*other, 200);
  EXPECT_EQ(Count(*writer_), 200);  // the first connection reads the WAL again
  auto fresh = Open();
  EXPECT_EQ(Count(*fresh), 200);
  EXPECT_EQ(fresh->db().execAndGet("SELECT count(*) FROM u").getInt64(), 0);
  EXPECT_EQ(IntegrityCheck(*fresh), "ok");
}

// In locking_mode=EXCLUSIVE SQLite takes no wal-index locks: a connection hands the WAL back when it returns
// to NORMAL and gives up its lock on the database file, and what it spilled and rolled back goes no later.
TEST_F(WalBufferVfsTest, AConnectionLeavingExclusiveModeLeavesNothingToOverwriteAnotherWritersCommit) {
  writer_->Exec("CREATE TABLE u (id INTEGER PRIMARY KEY, v BLOB)");
  Insert(*writer_, 20);
  writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  writer_->Exec("PRAGMA locking_mode=EXCLUSIVE");
  SpillAndRollBack(*writer_);
  writer_->Exec("PRAGMA locking_mode=NORMAL");
  writer_->Exec("BEGIN IMMEDIATE");
  writer_->Exec("COMMIT");  // ends the exclusive lock on the database file
  auto other = Open();
  Insert(*other, 260);
  EXPECT_EQ(Count(*writer_), 280);
  auto fresh = Open();
  EXPECT_EQ(Count(*fresh), 280);
  EXPECT_EQ(IntegrityCheck(*fresh), "ok");
}

// The unix VFS's pwrite, failing once with ENOSPC for a write of more than one page (a buffer's) while armed.
bool g_fail_next_big_write = false;
sqlite3_syscall_ptr g_pwrite64 = nullptr;
ssize_t FailingPwrite64(int fd, const void* data, size_t n, off_t off) {
  if (g_fail_next_big_write && n > 4096) {
    g_fail_next_big_write = false;
    errno = ENOSPC;
    return -1;
  }
  return reinterpret_cast<ssize_t (*)(int, const void*, size_t, off_t)>(g_pwrite64)(fd, data, n, off);
}

// A flush that fails keeps its bytes: the statement that needed them fails, and the Writer's batch (which
// rolls that piece back and commits the rest) commits them with the rest, or not at all.
TEST_F(WalBufferVfsTest, AFailedWriteOfTheBufferLosesNothingTheTransactionGoesOnWith) {
  sqlite3_vfs* unix_vfs = sqlite3_vfs_find(nullptr);
  g_pwrite64 = unix_vfs->xGetSystemCall(unix_vfs, "pwrite64");
  ASSERT_NE(g_pwrite64, nullptr);
  ASSERT_EQ(
      unix_vfs->xSetSystemCall(unix_vfs, "pwrite64", reinterpret_cast<sqlite3_syscall_ptr>(FailingPwrite64)),
      SQLITE_OK);
  writer_->Exec("CREATE TABLE u (id INTEGER PRIMARY KEY, k INTEGER UNIQUE, v BLOB)");
  writer_->Exec("INSERT INTO u (k, v) VALUES (0, zeroblob(10))");
  writer_->Exec("PRAGMA cache_size=10");
  writer_->Exec("BEGIN IMMEDIATE");
  writer_->Exec("SAVEPOINT work");
  writer_->Exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
      "INSERT INTO u (k, v) SELECT i, randomblob(3000) FROM n");
  writer_->Exec("RELEASE work");
  writer_->Exec("SAVEPOINT work");
  g_fail_next_big_write = true;
  bool failed = false;
  try {
    writer_->Exec("INSERT INTO u (k, v) SELECT k + 1000, v FROM u WHERE k BETWEEN 60 AND 100");
  } catch (const SQLite::Exception&) {
    failed = true;
  }
  const bool fault_used = !g_fail_next_big_write;
  g_fail_next_big_write = false;
  unix_vfs->xSetSystemCall(unix_vfs, "pwrite64", g_pwrite64);
  EXPECT_TRUE(fault_used);
  EXPECT_TRUE(failed);
  if (failed) writer_->Exec("ROLLBACK TO work");
  writer_->Exec("RELEASE work");
  writer_->Exec("COMMIT");
  auto reader = Open();
  EXPECT_EQ(IntegrityCheck(*reader), "ok");
  EXPECT_EQ(reader->db().execAndGet("SELECT count(*) FROM u").getInt64(), 101);
  EXPECT_EQ(reader->db().execAndGet("SELECT sum(length(v)) FROM u").getInt64(), 10 + 100 * 3000);
}

// A COMMIT whose write fails is rolled back whole and must stay so: nothing of it may reach the file later
// (a retry would leave a valid commit frame for the next recovery to bring back).
TEST_F(WalBufferVfsTest, ACommitWhoseWriteFailedNeverComesBack) {
  writer_.reset();
  const int code = ExitCodeOfForked([&] {
    auto conn = Connection::Open(options_);
    if (!conn.ok()) _exit(2);
    Connection& c = **conn;
    Insert(c, 2, 100);
    sqlite3_vfs* unix_vfs = sqlite3_vfs_find(nullptr);
    g_pwrite64 = unix_vfs->xGetSystemCall(unix_vfs, "pwrite64");
    unix_vfs->xSetSystemCall(unix_vfs, "pwrite64", reinterpret_cast<sqlite3_syscall_ptr>(FailingPwrite64));
    c.Exec("BEGIN IMMEDIATE");
    c.Exec("INSERT INTO t (v) SELECT 'failed ' || hex(randomblob(1500)) FROM (SELECT 1 UNION ALL SELECT 2)");
    g_fail_next_big_write = true;
    try {
      c.Exec("COMMIT");
      _exit(3);  // the write did not fail
    } catch (const SQLite::Exception&) {
    }
    if (g_fail_next_big_write) _exit(4);
    if (sqlite3_get_autocommit(c.db().getHandle()) == 0) c.Exec("ROLLBACK");
    if (Count(c) != 2) _exit(5);
    _exit(0);  // no close
  });
  ASSERT_EQ(code, 0);
  auto conn = Open();
  EXPECT_EQ(Count(*conn), 2);
  EXPECT_EQ(IntegrityCheck(*conn), "ok");
}

}  // namespace
}  // namespace opsbot::store
