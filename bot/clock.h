// Clock: the one source of "now" for everything that is timed, so tests can move time.
//
// Units: UTC epoch seconds (EpochSeconds) for stored times; milliseconds (EpochMillis) where pacing needs
// finer steps (the outbox). Thread-safe: Now() and NowMillis() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace opsbot {

using EpochSeconds = std::int64_t;
using EpochMillis = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMillis NowMillis() const = 0;
  EpochSeconds Now() const { return NowMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  EpochMillis NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to. For tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(EpochSeconds start) : now_ms_(start * 1000) {}
  EpochMillis NowMillis() const override { return now_ms_.load(); }
  void Set(EpochSeconds t) { now_ms_.store(t * 1000); }
  void Advance(EpochSeconds s) { now_ms_.fetch_add(s * 1000); }
  void AdvanceMillis(EpochMillis ms) { now_ms_.fetch_add(ms); }

 private:
  std::atomic<EpochMillis> now_ms_;
};

}  // namespace opsbot
