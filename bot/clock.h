// Clock: the one source of "now" for everything that is timed, so tests can move time.
//
// Units: UTC epoch seconds (int64). Thread-safe: Now() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace opsbot {

using EpochSeconds = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochSeconds Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  EpochSeconds Now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to. For tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(EpochSeconds start) : now_(start) {}
  EpochSeconds Now() const override { return now_.load(); }
  void Set(EpochSeconds t) { now_.store(t); }
  void Advance(EpochSeconds s) { now_.fetch_add(s); }

 private:
  std::atomic<EpochSeconds> now_;
};

}  // namespace opsbot
