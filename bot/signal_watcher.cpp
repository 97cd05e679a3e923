#include "bot/signal_watcher.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace opsbot {
namespace {

sigset_t WatchedSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);  // internal: wakes the watcher to end it
  return set;
}

}  // namespace

void SignalWatcher::BlockSignals() {
  sigset_t set = WatchedSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(std::function<void()> on_reload, std::function<void(int)> on_stop)
    : on_reload_(std::move(on_reload)), on_stop_(std::move(on_stop)) {
  if (pipe2(pipe_, O_CLOEXEC) != 0) pipe_[0] = pipe_[1] = -1;
  thread_ = std::thread([this] { Loop(); });
}

SignalWatcher::~SignalWatcher() {
  quitting_.store(true);
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
  if (pipe_[0] >= 0) close(pipe_[0]);
  if (pipe_[1] >= 0) close(pipe_[1]);
}

void SignalWatcher::Loop() {
  pthread_setname_np(pthread_self(), "opsbot-signals");  // shown by top -H and in core dumps
  sigset_t set = WatchedSet();
  while (!quitting_.load()) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGUSR2) continue;  // the loop condition decides
    if (sig == SIGHUP) {
      if (on_reload_) on_reload_();
      continue;
    }
    bool first = !stopped_.exchange(true);
    if (first) {
      char b = 1;
      if (pipe_[1] >= 0) (void)!write(pipe_[1], &b, 1);
      if (on_stop_) on_stop_(sig);
    }
  }
}

}  // namespace opsbot
