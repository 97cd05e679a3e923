#include "store/writer.h"

#include <SQLiteCpp/Exception.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/connection.h"

namespace opsbot::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Counts completions and lets a test wait for a number of them.
class DoneCounter {
 public:
  void Add(const Status& s) {
    std::lock_guard lock(mu_);
    statuses_.push_back(s);
    cv_.notify_all();
  }
  // Waits up to 30 s for `n` completions; false on timeout.
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return statuses_.size() >= n; });
  }
  std::vector<Status> statuses() {
    std::lock_guard lock(mu_);
    return statuses_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Status> statuses_;
};

// A piece of work that holds the writer thread until released, so the work submitted meanwhile queues up
// and is taken as one batch.
class Gate {
 public:
  Writer::Work Work() {
    return [this](Connection& conn) {
      conn.Exec("INSERT INTO t(v) VALUES ('blocker')");
      entered_.set_value();
      release_future_.wait();
      return Status::Ok();
    };
  }
  void WaitEntered() { ASSERT_EQ(entered_future_.wait_for(30s), std::future_status::ready); }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> release_;
  std::shared_future<void> release_future_ = release_.get_future().share();
};

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("opsbot_writer_test_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "w.db").string();
  }
  void TearDown() override {
    writer_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Creates the test tables and hands the connection to a new Writer.
  Writer& StartWriter(std::size_t max_batch = 256, int wal_restart_frames = 16384) {
    ConnectionOptions options;
    options.path = db_;
    auto conn = Connection::Open(options);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    (*conn)->Exec(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
        "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
        "CREATE TABLE child(id INTEGER PRIMARY KEY,"
        "  parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
    Writer::Options wo;
    wo.max_batch = max_batch;
    wo.wal_restart_frames = wal_restart_frames;
    writer_ = std::make_unique<Writer>(std::move(conn).value(), std::move(wo));
    return *writer_;
  }

  // A separate connection that only reads, as another process would.
  std::unique_ptr<Connection> Reader() {
    ConnectionOptions options;
    options.path = db_;
    options.read_only = true;
    options.create = false;
    auto conn = Connection::Open(options);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(conn).value() : nullptr;
  }

  std::int64_t Count(const std::string& where = "1") {
    auto r = Reader();
    return r->db().execAndGet("SELECT count(*) FROM t WHERE " + where).getInt64();
  }
  bool HasValue(const std::string& v) { return Count("v = '" + v + "'") == 1; }

  static Writer::Work InsertValue(const std::string& v) {
    return [v](Connection& conn) {
      auto& st = conn.Prepare("INSERT INTO t(v) VALUES (?)");
      st.bind(1, v);
      st.exec();
      return Status::Ok();
    };
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<Writer> writer_;
};

TEST_F(WriterTest, ManyThreadsAreCommittedInBatches) {
  Writer& w = StartWriter();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  DoneCounter done;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads)
        std::this_thread::yield();
      for (int i = 0; i < kPerThread; ++i) {
        w.Submit(InsertValue(std::to_string(t) + ":" + std::to_string(i)),
                 [&](const Status& s) { done.Add(s); });
      }
    });
  }
  for (auto& th : threads)
    th.join();
  ASSERT_TRUE(done.WaitFor(kThreads * kPerThread));

  for (const Status& s : done.statuses())
    EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count(), kThreads * kPerThread);
  EXPECT_EQ(Count("v = '7:199'"), 1);
  WriterStats st = w.stats();
  EXPECT_EQ(st.work_items, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(st.work_failed, 0u);
  EXPECT_EQ(st.commit_failures, 0u);
  EXPECT_LT(st.batches, st.work_items);
  EXPECT_GT(st.max_batch_size, 1u);
}

TEST_F(WriterTest, EachDoneFollowsItsOwnCommit) {
  Writer& w = StartWriter();
  // Used only on the writer thread (inside `done`), one thread at a time as Connection requires.
  std::unique_ptr<Connection> reader = Reader();
  ASSERT_NE(reader, nullptr);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  DoneCounter done;
  std::atomic<int> invisible{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto id = std::make_shared<std::int64_t>(0);
        std::string v = std::to_string(t) + "/" + std::to_string(i);
        w.Submit(
            [id, v](Connection& conn) {
              auto& st = conn.Prepare("INSERT INTO t(v) VALUES (?)");
              st.bind(1, v);
              st.exec();
              *id = conn.LastInsertId();
              return Status::Ok();
            },
            [&, id, v](const Status& s) {
              auto& q = reader->Prepare("SELECT v FROM t WHERE id = ?");
              q.bind(1, static_cast<int64_t>(*id));
              bool visible = q.executeStep() && q.getColumn(0).getString() == v;
              reader->ResetStatements();
              if (!visible) invisible.fetch_add(1);
              done.Add(s);
            });
      }
    });
  }
  for (auto& th : threads)
    th.join();
  ASSERT_TRUE(done.WaitFor(kThreads * kPerThread));
  for (const Status& s : done.statuses())
    EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(invisible.load(), 0) << "a done ran before its row was visible to another connection";
  EXPECT_GT(w.stats().max_batch_size, 1u);
}

TEST_F(WriterTest, FailedWorkIsRolledBackAndTheRestOfItsBatchCommits) {
  Writer& w = StartWriter();
  Gate gate;
  DoneCounter blocker_done;
  w.Submit(gate.Work(), [&](const Status& s) { blocker_done.Add(s); });
  gate.WaitEntered();

  Status ok1, refused, threw, ok2;
  DoneCounter done;
  w.Submit(InsertValue("a"), [&](const Status& s) {
    ok1 = s;
    done.Add(s);
  });
  w.Submit(
      [](Connection& conn) {
        conn.Exec("INSERT INTO t(v) VALUES ('b')");
        return Status::Invalid("refused after writing");
      },
      [&](const Status& s) {
        refused = s;
        done.Add(s);
      });
  w.Submit(
      [](Connection& conn) {
        conn.Exec("INSERT INTO t(id, v) VALUES (1000, 'c')");
        conn.Exec("INSERT INTO t(id, v) VALUES (1000, 'c-again')");  // PRIMARY KEY violation: throws
        return Status::Ok();
      },
      [&](const Status& s) {
        threw = s;
        done.Add(s);
      });
  w.Submit(InsertValue("d"), [&](const Status& s) {
    ok2 = s;
    done.Add(s);
  });
  gate.Release();
  ASSERT_TRUE(done.WaitFor(4));
  ASSERT_TRUE(blocker_done.WaitFor(1));

  EXPECT_TRUE(ok1.ok()) << ok1.ToString();
  EXPECT_TRUE(ok2.ok()) << ok2.ToString();
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(), "refused after writing");
  EXPECT_EQ(threw.code(), StatusCode::kInternal);
  EXPECT_NE(threw.message().find("UNIQUE"), std::string::npos) << threw.message();

  EXPECT_TRUE(HasValue("blocker"));
  EXPECT_TRUE(HasValue("a"));
  EXPECT_TRUE(HasValue("d"));
  EXPECT_FALSE(HasValue("b"));
  EXPECT_FALSE(HasValue("c"));
  EXPECT_EQ(Count("id = 1000"), 0);
  EXPECT_EQ(Count(), 3);

  WriterStats st = w.stats();
  EXPECT_EQ(st.batches, 2u);  // the blocker alone, then the four together
  EXPECT_EQ(st.last_batch_size, 4u);
  EXPECT_EQ(st.work_failed, 2u);
  EXPECT_EQ(st.commit_failures, 0u);
}

TEST_F(WriterTest, StopCommitsWhatIsQueuedThenRefuses) {
  Writer& w = StartWriter();
  Gate gate;
  DoneCounter done;
  w.Submit(gate.Work(), [&](const Status& s) { done.Add(s); });
  gate.WaitEntered();
  constexpr int kQueued = 50;
  for (int i = 0; i < kQueued; ++i)
    w.Submit(InsertValue("q" + std::to_string(i)), [&](const Status& s) { done.Add(s); });

  std::thread stopper([&] { w.Stop(); });
  for (int i = 0; i < 3000 && w.running(); ++i)
    std::this_thread::sleep_for(1ms);
  ASSERT_FALSE(w.running());

  // The writer is stopping but still has queued work: new work is refused at once.
  Status late;
  bool late_called = false;
  w.Submit(InsertValue("late"), [&](const Status& s) {
    late = s;
    late_called = true;
  });
  EXPECT_TRUE(late_called) << "a refused Submit answers at once";
  EXPECT_EQ(late.code(), StatusCode::kUnavailable);

  gate.Release();
  stopper.join();
  ASSERT_TRUE(done.WaitFor(kQueued + 1));
  for (const Status& s : done.statuses())
    EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count(), kQueued + 1);
  EXPECT_FALSE(HasValue("late"));

  Status after;
  w.Submit(InsertValue("after"), [&](const Status& s) { after = s; });
  EXPECT_EQ(after.code(), StatusCode::kUnavailable);
  auto r = w.Run<int>([](Connection&) -> Result<int> { return 1; });
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(HasValue("after"));
}

TEST_F(WriterTest, RunReturnsTheWorksValueOrItsOwnError) {
  Writer& w = StartWriter();
  auto value = w.Run<std::int64_t>([](Connection& conn) -> Result<std::int64_t> {
    conn.Exec("INSERT INTO t(v) VALUES ('kept')");
    return conn.LastInsertId();
  });
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_GT(*value, 0);
  EXPECT_TRUE(HasValue("kept"));  // visible to another connection once Run returned

  auto refused = w.Run<int>([](Connection& conn) -> Result<int> {
    conn.Exec("INSERT INTO t(v) VALUES ('dropped')");
    return Status::NotFound("no such thing");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(refused.status().message(), "no such thing");
  EXPECT_FALSE(HasValue("dropped"));

  auto threw = w.Run<int>([](Connection& conn) -> Result<int> {
    conn.Exec("INSERT INTO t(v) VALUES ('thrown')");
    conn.Exec("INSERT INTO no_such_table VALUES (1)");
    return 1;
  });
  ASSERT_FALSE(threw.ok());
  EXPECT_EQ(threw.status().code(), StatusCode::kInternal);
  EXPECT_NE(threw.status().message().find("no_such_table"), std::string::npos) << threw.status().message();
  EXPECT_FALSE(HasValue("thrown"));
  EXPECT_EQ(Count(), 1);
}

TEST_F(WriterTest, FailedCommitFailsTheWholeBatchAndTheWriterRecovers) {
  Writer& w = StartWriter();
  Gate gate;
  DoneCounter blocker_done;
  w.Submit(gate.Work(), [&](const Status& s) { blocker_done.Add(s); });
  gate.WaitEntered();

  // A deferred foreign key is checked only at COMMIT: the work succeeds, the COMMIT does not.
  DoneCounter done;
  Status plain, orphan;
  w.Submit(InsertValue("innocent"), [&](const Status& s) {
    plain = s;
    done.Add(s);
  });
  w.Submit(
      [](Connection& conn) {
        conn.Exec("INSERT INTO child(parent_id) VALUES (42)");
        return Status::Ok();
      },
      [&](const Status& s) {
        orphan = s;
        done.Add(s);
      });
  gate.Release();
  ASSERT_TRUE(done.WaitFor(2));
  ASSERT_TRUE(blocker_done.WaitFor(1));

  EXPECT_EQ(plain.code(), StatusCode::kInternal);
  EXPECT_EQ(orphan.code(), StatusCode::kInternal);
  EXPECT_NE(plain.message().find("commit failed"), std::string::npos) << plain.message();
  EXPECT_FALSE(HasValue("innocent"));
  {
    auto r = Reader();
    EXPECT_EQ(r->db().execAndGet("SELECT count(*) FROM child").getInt64(), 0);
  }
  WriterStats st = w.stats();
  EXPECT_EQ(st.commit_failures, 1u);
  EXPECT_EQ(st.work_failed, 2u);

  // The failed transaction was rolled back: the next batch commits normally.
  auto next = w.Run<int>([](Connection& conn) -> Result<int> {
    conn.Exec("INSERT INTO t(v) VALUES ('next')");
    return 1;
  });
  EXPECT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE(HasValue("next"));
  EXPECT_TRUE(HasValue("blocker"));
}

// Without a checkpoint that reaches its end, a WAL never starts over. The writer's own checkpoint past
// `wal_restart_frames` keeps the file near that length however many commits follow.
TEST_F(WriterTest, TheWalStartsOverPastItsRestartLength) {
  auto wal_bytes_after = [&](int restart_frames) {
    Writer& w = StartWriter(256, restart_frames);
    for (int i = 0; i < 300; ++i) {
      auto r = w.Run<bool>([&](Connection& conn) -> Result<bool> {
        conn.Exec("INSERT INTO t(v) VALUES (hex(randomblob(600)))");
        return true;
      });
      EXPECT_TRUE(r.ok());
    }
    auto bytes = fs::file_size(db_ + "-wal");
    writer_.reset();
    fs::remove(db_);
    fs::remove(db_ + "-wal");
    fs::remove(db_ + "-shm");
    return bytes;
  };
  const std::uintmax_t frame = 4096 + 24;
  EXPECT_GT(wal_bytes_after(0), 300 * frame);  // one frame or more per commit, never reused
  EXPECT_LT(wal_bytes_after(20), 40 * frame);  // started over each time it passed 20 frames
}

}  // namespace
}  // namespace opsbot::store
