#include "store/read_pool.h"

#include <spdlog/spdlog.h>

namespace opsbot::store {

ReadPool::ReadPool(ConnectionOptions options, std::size_t max) : options_(std::move(options)), max_(max) {
  options_.read_only = true;
  options_.create = false;
}

Result<std::unique_ptr<Connection>> ReadPool::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  auto c = Connection::Open(options_);
  if (!c.ok()) {
    std::lock_guard relock(mu_);
    --open_;
    cv_.notify_one();
  }
  return c;
}

void ReadPool::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

Status ReadPool::StoreFailure(const std::exception& e) {
  spdlog::error("read failed with a store error: {}", e.what());
  return Status::Internal(std::string("store error: ") + e.what());
}

}  // namespace opsbot::store
