#include "bot/http_worker_pool.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <future>
#include <string>
#include <utility>

namespace opsbot {
namespace {

struct WorkerThread {
  std::string name;
  int policy = -1;
};

WorkerThread Inspect() {
  WorkerThread w;
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  w.name = name;
  sched_param param{};
  pthread_getschedparam(pthread_self(), &w.policy, &param);
  return w;
}

TEST(HttpWorkerPoolTest, EveryTaskRunsOnANamedBatchScheduledWorker) {
  HttpWorkerPool pool(2, "test-http");
  for (int i = 0; i < 4; ++i) {
    std::promise<WorkerThread> seen;
    auto future = seen.get_future();
    pool.enqueue([&seen] { seen.set_value(Inspect()); });
    WorkerThread w = future.get();
    EXPECT_EQ(w.name, "test-http");
    EXPECT_EQ(w.policy, SCHED_BATCH);
  }
  pool.shutdown();
}

TEST(HttpWorkerPoolTest, ShutdownRunsTheTasksAlreadyQueued) {
  HttpWorkerPool pool(1, "test-http");
  std::promise<void> release;
  auto gate = release.get_future().share();
  int ran = 0;
  pool.enqueue([gate] { gate.wait(); });
  for (int i = 0; i < 3; ++i)
    pool.enqueue([&ran] { ++ran; });  // one worker: these run one after another
  release.set_value();
  pool.shutdown();
  EXPECT_EQ(ran, 3);
}

TEST(HttpWorkerPoolTest, TheCallerKeepsItsOwnNameAndPolicy) {
  WorkerThread before = Inspect();
  HttpWorkerPool pool(1, "test-http");
  std::promise<void> done;
  auto future = done.get_future();
  pool.enqueue([&done] { done.set_value(); });
  future.get();
  pool.shutdown();
  WorkerThread after = Inspect();
  EXPECT_EQ(after.name, before.name);
  EXPECT_EQ(after.policy, before.policy);
}

}  // namespace
}  // namespace opsbot
