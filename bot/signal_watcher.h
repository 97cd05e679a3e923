// SignalWatcher: turns SIGHUP into a reload and SIGINT/SIGTERM into a stop, on a thread of its own.
//
// Call BlockSignals() first thing in main, before any thread starts, so every thread inherits the mask
// and only the watcher's sigwait receives these signals. Callbacks run on the watcher's thread.
// stop_fd() becomes readable once a stop signal arrived, so a poll() loop can wake on it.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace opsbot {

class SignalWatcher {
 public:
  static void BlockSignals();

  SignalWatcher(std::function<void()> on_reload, std::function<void(int signal)> on_stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  int stop_fd() const { return pipe_[0]; }
  bool stopped() const { return stopped_.load(); }

 private:
  void Loop();

  std::function<void()> on_reload_;
  std::function<void(int)> on_stop_;
  int pipe_[2] = {-1, -1};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> quitting_{false};
  std::thread thread_;
};

}  // namespace opsbot
