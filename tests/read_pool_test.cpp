#include "store/read_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/connection.h"
#include "store/writer.h"

namespace opsbot::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ReadPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("opsbot_read_pool_test_" + std::to_string(getpid()) + "_" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    options_.path = (dir_ / "r.db").string();
    auto conn = Connection::Open(options_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    (*conn)->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    writer_ = std::make_unique<Writer>(std::move(conn).value(), Writer::Options{});
  }
  void TearDown() override {
    writer_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Status Insert(const std::string& v) {
    auto r = writer_->Run<int>([&](Connection& conn) -> Result<int> {
      auto& st = conn.Prepare("INSERT INTO t(v) VALUES (?)");
      st.bind(1, v);
      st.exec();
      return 1;
    });
    return r.status();
  }

  static Result<std::int64_t> CountRows(Connection& conn) {
    auto& st = conn.Prepare("SELECT count(*) FROM t");
    st.executeStep();
    return static_cast<std::int64_t>(st.getColumn(0).getInt64());
  }

  fs::path dir_;
  ConnectionOptions options_;
  std::unique_ptr<Writer> writer_;
};

TEST_F(ReadPoolTest, SeesWhatTheWriterCommitted) {
  ReadPool pool(options_, 2);
  ASSERT_TRUE(Insert("one").ok());
  ASSERT_TRUE(Insert("two").ok());
  auto n = pool.Run<std::int64_t>(CountRows);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);

  ASSERT_TRUE(Insert("three").ok());
  n = pool.Run<std::int64_t>(CountRows);  // the same (reused) connection sees the new commit
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3);
}

TEST_F(ReadPoolTest, DoesNotSeeWorkInProgress) {
  ReadPool pool(options_, 2);
  std::promise<void> inside, release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<Status> done;
  writer_->Submit(
      [&](Connection& conn) {
        conn.Exec("INSERT INTO t(v) VALUES ('pending')");
        inside.set_value();
        released.wait();
        return Status::Ok();
      },
      [&](const Status& s) { done.set_value(s); });
  inside.get_future().wait();
  auto during = pool.Run<std::int64_t>(CountRows);
  release.set_value();
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  EXPECT_EQ(*during, 0);
  EXPECT_TRUE(done.get_future().get().ok());
  auto after = pool.Run<std::int64_t>(CountRows);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, 1);
}

TEST_F(ReadPoolTest, StoreErrorComesBackAsInternal) {
  ReadPool pool(options_, 1);
  Result<int> r = Status::Internal("unset");
  EXPECT_NO_THROW(r = pool.Run<int>([](Connection& conn) -> Result<int> {
    conn.Exec("SELECT * FROM no_such_table");
    return 1;
  }));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("no_such_table"), std::string::npos) << r.status().message();

  // A read connection cannot write: that is a store error too.
  auto w = pool.Run<int>([](Connection& conn) -> Result<int> {
    conn.Exec("INSERT INTO t(v) VALUES ('x')");
    return 1;
  });
  EXPECT_EQ(w.status().code(), StatusCode::kInternal);

  // The work's own refusal passes through unchanged.
  auto nf = pool.Run<int>([](Connection&) -> Result<int> { return Status::NotFound("T-9 does not exist"); });
  EXPECT_EQ(nf.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(nf.status().message(), "T-9 does not exist");

  // The one connection came back to the pool in a usable state (no open transaction).
  ASSERT_TRUE(Insert("later").ok());
  auto n = pool.Run<std::int64_t>(CountRows);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
}

TEST_F(ReadPoolTest, LeasesRunConcurrentlyUpToMax) {
  constexpr std::size_t kMax = 3;
  constexpr int kThreads = 8;
  ReadPool pool(options_, kMax);
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;
  int peak = 0;
  bool full_seen = false;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = pool.Run<int>([&](Connection& conn) -> Result<int> {
        {
          std::unique_lock lock(mu);
          ++active;
          peak = std::max(peak, active);
          if (active == static_cast<int>(kMax)) full_seen = true;
          cv.notify_all();
          // Wait until the pool has been full once, so the peak is reached if the pool allows it.
          cv.wait_for(lock, 10s, [&] { return full_seen; });
        }
        auto n = CountRows(conn);
        std::this_thread::sleep_for(5ms);
        {
          std::lock_guard lock(mu);
          --active;
        }
        return n.ok() ? 1 : 0;
      });
      if (r.ok() && *r == 1) ok.fetch_add(1);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_TRUE(full_seen) << "the pool never had " << kMax << " leases out at once";
  EXPECT_EQ(peak, static_cast<int>(kMax));
}

TEST_F(ReadPoolTest, FailedOpenDoesNotLeakASlot) {
  ConnectionOptions missing = options_;
  missing.path = (dir_ / "missing" / "nope.db").string();
  ReadPool pool(missing, 1);
  for (int i = 0; i < 3; ++i) {  // would hang on the second try if the slot leaked
    auto r = pool.Run<int>([](Connection&) -> Result<int> { return 1; });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  }
}

}  // namespace
}  // namespace opsbot::store
