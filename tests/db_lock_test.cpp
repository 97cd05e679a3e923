#include "store/db_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace opsbot::store {
namespace {

namespace fs = std::filesystem;

class DbLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("opsbot_db_lock_test_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "opsbot.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(DbLockTest, SecondAcquireIsRefusedNamingTheHolder) {
  auto first = DbLock::Acquire(db_, "server");
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  auto second = DbLock::Acquire(db_, "restore");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  const std::string& msg = second.status().message();
  EXPECT_NE(msg.find(std::to_string(getpid())), std::string::npos) << msg;
  EXPECT_NE(msg.find("server"), std::string::npos) << msg;
  EXPECT_NE(msg.find(db_), std::string::npos) << msg;
  EXPECT_NE(msg.find("stop it first"), std::string::npos) << msg;
}

TEST_F(DbLockTest, ReleasedOnDestruction) {
  EXPECT_FALSE(DbLock::Holder(db_).has_value());
  {
    auto lock = DbLock::Acquire(db_, "server");
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
    EXPECT_TRUE(DbLock::Holder(db_).has_value());
  }
  EXPECT_FALSE(DbLock::Holder(db_).has_value());
  auto again = DbLock::Acquire(db_, "console");
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(DbLockTest, MoveKeepsTheLock) {
  auto lock = DbLock::Acquire(db_, "server");
  ASSERT_TRUE(lock.ok());
  {
    DbLock moved = std::move(lock).value();
    EXPECT_TRUE(DbLock::Holder(db_).has_value());
    EXPECT_FALSE(DbLock::Acquire(db_, "other").ok());
  }
  EXPECT_FALSE(DbLock::Holder(db_).has_value());
}

TEST_F(DbLockTest, HolderReportsPidWhatAndSince) {
  auto lock = DbLock::Acquire(db_, "server on :8080");
  ASSERT_TRUE(lock.ok());
  auto holder = DbLock::Holder(db_);
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->pid, getpid());
  EXPECT_EQ(holder->what, "server on :8080");
  ASSERT_EQ(holder->since.size(), 20u) << holder->since;  // 2024-05-01T09:30:00Z
  EXPECT_EQ(holder->since[10], 'T');
  EXPECT_EQ(holder->since.back(), 'Z');
  // Probing does not take the lock.
  EXPECT_FALSE(DbLock::Acquire(db_, "other").ok());
}

TEST_F(DbLockTest, ReleasedWhenTheHoldingProcessIsKilled) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    auto lock = DbLock::Acquire(db_, "child");
    char ok = lock.ok() ? 'y' : 'n';
    if (write(ready[1], &ok, 1) != 1) _exit(2);
    for (;;)
      pause();
  }
  close(ready[1]);
  char got = 0;
  ASSERT_EQ(read(ready[0], &got, 1), 1);
  close(ready[0]);
  ASSERT_EQ(got, 'y');

  auto refused = DbLock::Acquire(db_, "parent");
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(std::to_string(child)), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("child"), std::string::npos);
  auto holder = DbLock::Holder(db_);
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->pid, child);

  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));

  EXPECT_FALSE(DbLock::Holder(db_).has_value());
  auto acquired = DbLock::Acquire(db_, "parent");
  EXPECT_TRUE(acquired.ok()) << acquired.status().ToString();
}

TEST_F(DbLockTest, MissingDirectoryIsAnError) {
  auto lock = DbLock::Acquire((dir_ / "no" / "such" / "opsbot.db").string(), "server");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(lock.status().message().find("lock file"), std::string::npos) << lock.status().message();
}

}  // namespace
}  // namespace opsbot::store
