// HttpWorkerPool: the task queue behind opsbot's HTTP server: cpp-httplib's ThreadPool, whose worker threads
// are named (for top -H and core dumps) and scheduled as SCHED_BATCH, each on its first task.
//
// Why SCHED_BATCH. A worker is woken when its connection has a request and when the Writer has committed
// the command it waits for. Under the default policy a woken thread preempts the thread that woke it, so the
// Writer, which wakes one worker for each command of a batch, lost its CPU in the middle of a batch 0.27
// times per `ticket new` (at ~22k req/s), and every command behind it waited. A SCHED_BATCH thread does not
// preempt on wakeup; it runs when a CPU is free or at the next tick. Measured in bench/README.md. The policy
// keeps nice 0 and needs no privilege; where it is refused, the worker runs as before.
//
// Header-only, so that the benchmarks' reference servers are tuned the same way (bench/tuned_server.h).
// Thread-safe as ThreadPool is; shutdown() joins the workers.
#pragma once

#include <httplib.h>
#include <pthread.h>
#include <sched.h>

#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace opsbot {

class HttpWorkerPool final : public httplib::TaskQueue {
 public:
  // `name`: at most 15 bytes (the kernel's limit for a thread name).
  HttpWorkerPool(std::size_t threads, std::string name) : name_(std::move(name)), pool_(threads) {}

  void enqueue(std::function<void()> fn) override {
    pool_.enqueue([this, fn = std::move(fn)] {
      SetUpThisWorker();
      fn();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  void SetUpThisWorker() const {
    thread_local bool set_up = false;
    if (set_up) return;
    set_up = true;
    pthread_setname_np(pthread_self(), name_.c_str());
    sched_param param{};
    pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  }

  const std::string name_;  // before pool_: its workers read it
  httplib::ThreadPool pool_;
};

}  // namespace opsbot
