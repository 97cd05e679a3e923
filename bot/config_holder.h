// ConfigHolder: the current Config, swapped whole on reload.
//
// Thread-safe. Readers take a snapshot (shared_ptr) and keep using it for the whole command, so a
// reload never changes a config under a command in flight. generation() counts successful loads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "bot/config.h"

namespace opsbot {

class ConfigHolder {
 public:
  explicit ConfigHolder(std::shared_ptr<const Config> initial) : current_(std::move(initial)) {}

  std::shared_ptr<const Config> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const Config> next) {
    std::lock_guard lock(mu_);
    current_ = std::move(next);
    generation_.fetch_add(1);
  }
  std::uint64_t generation() const { return generation_.load(); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Config> current_;
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace opsbot
