#include "bot/job_runner.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace opsbot {

JobRunner::JobRunner(const Clock& clock, std::chrono::milliseconds max_sleep,
                     std::chrono::milliseconds coalesce)
    : clock_(clock), max_sleep_(max_sleep), coalesce_(coalesce) {}

JobRunner::~JobRunner() {
  Stop();
}

void JobRunner::Add(Job job) {
  jobs_.push_back(std::move(job));
}

void JobRunner::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    if (woken_) return;  // already told: one run takes in everything committed until then
    woken_ = true;
  }
  cv_.notify_all();
}

std::optional<EpochMillis> JobRunner::NextDue() {
  std::optional<EpochMillis> next;
  for (const Job& job : jobs_) {
    std::optional<EpochMillis> due;
    try {
      due = job.next_due();
    } catch (const std::exception& e) {
      spdlog::error("job {}: cannot tell when it is due: {}", job.name, e.what());
    }
    if (due && (!next || *due < *next)) next = due;
  }
  return next;
}

int JobRunner::RunDue() {
  int ran = 0;
  for (const Job& job : jobs_) {
    const EpochMillis now = clock_.NowMillis();
    try {
      auto due = job.next_due();
      if (!due || *due > now) continue;
      auto start = std::chrono::steady_clock::now();
      job.run(now);
      ++ran;
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (ms > 1000) spdlog::warn("job {} took {:.0f} ms", job.name, ms);
    } catch (const std::exception& e) {
      spdlog::error("job {} failed: {}", job.name, e.what());
    }
  }
  return ran;
}

void JobRunner::Loop() {
  pthread_setname_np(pthread_self(), "opsbot-jobs");  // shown by top -H and in core dumps
  for (;;) {
    RunDue();
    std::optional<EpochMillis> next = NextDue();
    auto wait = max_sleep_;
    if (next) {
      auto until = std::chrono::milliseconds(std::max<EpochMillis>(0, *next - clock_.NowMillis()));
      // A floor of 10 ms: a job whose work stays due (e.g. a destination that keeps failing before its
      // backoff is written) must not spin the loop.
      wait = std::min(wait, std::max(until, std::chrono::milliseconds(10)));
    }
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, wait, [this] { return woken_ || stopping_; }) || stopping_) {
      if (stopping_) return;
      continue;  // due by the clock
    }
    // Woken: let the wakes of a busy moment gather for a few ms, so a burst of commands costs one run
    // (and one look at the store) instead of one each. Stop still ends the wait at once.
    cv_.wait_for(lock, coalesce_, [this] { return stopping_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace opsbot
