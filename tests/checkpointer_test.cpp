#include "store/checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "store/connection.h"
#include "store/schema.h"

namespace opsbot::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("opsbot_checkpointer_test_" + std::to_string(getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    options_.path = (dir_ / "opsbot.db").string();
    options_.synchronous = Synchronous::kNormal;
    auto conn = Connection::Open(options_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    ASSERT_TRUE(Migrate(*conn_).ok());
    conn_->Exec(
        "INSERT INTO people (id, key, name, created_at, updated_at) "
        "VALUES (1, 'alice', 'Alice', 1700000000, 1700000000)");
  }
  void TearDown() override {
    conn_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Commits `batches` transactions of tickets with long titles, so the WAL grows.
  void Write(int batches) {
    const std::string title(500, 'x');
    for (int b = 0; b < batches; ++b) {
      conn_->Exec("BEGIN");
      for (int i = 0; i < 50; ++i) {
        auto& st = conn_->Prepare(
            "INSERT INTO tickets (title, priority, state, reporter_id, created_at, updated_at) "
            "VALUES (?, 3, 'open', 1, 1700000000, 1700000000)");
        st.bind(1, title);
        st.exec();
      }
      conn_->Exec("COMMIT");
    }
  }

  std::uintmax_t WalBytes() const {
    std::error_code ec;
    auto size = fs::file_size(options_.path + "-wal", ec);
    return ec ? 0 : size;
  }

  // (busy, log, checkpointed) from a PASSIVE checkpoint on the test's own connection.
  std::tuple<int, int, int> Passive() {
    SQLite::Statement st(conn_->db(), "PRAGMA wal_checkpoint(PASSIVE)");
    EXPECT_TRUE(st.executeStep());
    return {st.getColumn(0).getInt(), st.getColumn(1).getInt(), st.getColumn(2).getInt()};
  }

  fs::path dir_;
  ConnectionOptions options_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(CheckpointerTest, CheckpointsAGrowingWalAndTruncatesOnStop) {
  Write(20);
  const auto grown = WalBytes();
  EXPECT_GT(grown, 100u * 4096u);  // wal_autocheckpoint=0: nothing was checkpointed inline

  Checkpointer checkpointer(options_, 10ms, /*wal_pages_threshold=*/10);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (checkpointer.checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GT(checkpointer.checkpoints(), 0u);

  // Everything in the WAL is already copied into the database: nothing is left for us to checkpoint.
  auto [busy, log, done] = Passive();
  EXPECT_EQ(busy, 0);
  EXPECT_EQ(log, done);

  // More writes while it runs: the writer reuses the checkpointed WAL from its start.
  Write(5);
  checkpointer.Stop();
  EXPECT_EQ(WalBytes(), 0u);
  checkpointer.Stop();  // idempotent
  EXPECT_EQ(conn_->db().execAndGet("SELECT count(*) FROM tickets").getInt(), 25 * 50);
}

TEST_F(CheckpointerTest, IdleSmallWalIsLeftAlone) {
  Write(1);
  Checkpointer checkpointer(options_, 5ms, /*wal_pages_threshold=*/100000);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
  checkpointer.Stop();
  EXPECT_EQ(checkpointer.checkpoints(), 1u);  // the final TRUNCATE
  EXPECT_EQ(WalBytes(), 0u);
}

// The Writer's cue: a checkpoint as soon as frames_per_checkpoint frames are new since the last one, none
// before (the tick is an hour away, so only the cue can start one), and a WAL that started over counts from
// 0.
TEST_F(CheckpointerTest, ChecksPointsWhenTheWalHasGrownByEnoughFrames) {
  Checkpointer checkpointer(options_, 1h, /*wal_pages_threshold=*/0, /*frames_per_checkpoint=*/200);
  struct Cue {
    Checkpointer* checkpointer;
    int frames;
  } cue{&checkpointer, 0};
  sqlite3_wal_hook(
      conn_->db().getHandle(),
      [](void* p, sqlite3*, const char*, int frames) {
        auto* c = static_cast<Cue*>(p);
        c->frames = frames;
        c->checkpointer->WalWritten(frames);
        return SQLITE_OK;
      },
      &cue);
  // Commits at least once and until the WAL holds `frames` frames, then gives the thread up to `wait` to
  // run one more checkpoint. Returns the checkpoints run.
  auto checkpoints_after = [&](int frames, std::chrono::milliseconds wait) {
    const std::uint64_t before = checkpointer.checkpoints();
    do {
      Write(1);
    } while (cue.frames < frames);
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (checkpointer.checkpoints() == before && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    return checkpointer.checkpoints();
  };

  EXPECT_EQ(checkpoints_after(100, 100ms), 0u);
  ASSERT_LT(cue.frames, 200);
  EXPECT_EQ(checkpoints_after(200, 10s), 1u);
  auto [busy, log, done] = Passive();  // it copied everything there was
  EXPECT_EQ(busy, 0);
  EXPECT_EQ(log, done);

  // The next commit starts the WAL over: a few frames, far fewer than before, and no checkpoint for them.
  EXPECT_EQ(checkpoints_after(1, 100ms), 1u);
  EXPECT_LT(cue.frames, 100);
  EXPECT_EQ(checkpoints_after(200, 10s), 2u);
  sqlite3_wal_hook(conn_->db().getHandle(), nullptr, nullptr);
}

TEST_F(CheckpointerTest, StopWakesPromptly) {
  Checkpointer checkpointer(options_, 1h);
  auto start = std::chrono::steady_clock::now();
  checkpointer.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(CheckpointerTest, MissingDatabaseIsLoggedNotThrown) {
  ConnectionOptions missing;
  missing.path = (dir_ / "missing.db").string();
  Checkpointer checkpointer(missing, 5ms);
  std::this_thread::sleep_for(30ms);
  checkpointer.Stop();
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
  EXPECT_FALSE(fs::exists(missing.path));
}

}  // namespace
}  // namespace opsbot::store
