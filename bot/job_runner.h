// JobRunner: the one runner of timed work — outbox deliveries now; reminders, SLA warnings, escalations and
// digests later, each one more Job on the same runner.
//
// A Job says when it next has work (from its due_at rows in the store) and does the work that is due:
// load, compute given `now`, write. The runner's one thread sleeps until the earliest due time, until Wake()
// (new work was committed), or at most `max_sleep`; then runs each due job. A job that throws is logged and
// the loop goes on. The clock is injectable: tests call RunDue() on a FakeClock instead of Start().
// Thread-safe: Wake and Stop from any thread; Add before Start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bot/clock.h"

namespace opsbot {

struct Job {
  std::string name;
  // When this job next has work; std::nullopt when it has none. Called on the runner's thread.
  std::function<std::optional<EpochMillis>()> next_due;
  // Does the work that is due at `now`. Called on the runner's thread.
  std::function<void(EpochMillis now)> run;
};

class JobRunner {
 public:
  // After a Wake, the thread waits `coalesce` before it runs, so the wakes of a burst become one run.
  explicit JobRunner(const Clock& clock, std::chrono::milliseconds max_sleep = std::chrono::seconds(1),
                     std::chrono::milliseconds coalesce = std::chrono::milliseconds(5));
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void Add(Job job);
  void Start();
  void Stop();
  // New work may be due now (e.g. an outbox row was committed): re-check after `coalesce` (5 ms), so the
  // wakes of a burst are one run.
  void Wake();

  // Runs, once, every job due at the clock's now. Returns how many ran. Also what the thread does.
  int RunDue();
  // The earliest due time over all jobs, if any.
  std::optional<EpochMillis> NextDue();

 private:
  void Loop();

  const Clock& clock_;
  std::chrono::milliseconds max_sleep_;
  std::chrono::milliseconds coalesce_;
  std::vector<Job> jobs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace opsbot
