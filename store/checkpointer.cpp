#include "store/checkpointer.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>
#include <utility>

namespace opsbot::store {

Checkpointer::Checkpointer(ConnectionOptions options, std::chrono::milliseconds interval,
                           int wal_pages_threshold, int frames_per_checkpoint)
    : options_(std::move(options)),
      interval_(interval),
      wal_pages_threshold_(wal_pages_threshold),
      frames_per_checkpoint_(frames_per_checkpoint) {
  options_.read_only = false;
  options_.create = false;
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() {
  Stop();
}

void Checkpointer::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::WalWritten(int wal_frames) {
  // Frames appended since the last call: a shorter WAL than last time started over from its beginning.
  new_frames_ += wal_frames >= wal_frames_ ? wal_frames - wal_frames_ : wal_frames;
  wal_frames_ = wal_frames;
  if (new_frames_ < frames_per_checkpoint_) return;
  new_frames_ = 0;
  {
    std::lock_guard lock(mu_);
    due_ = true;
  }
  cv_.notify_all();
}

void Checkpointer::Loop() {
  pthread_setname_np(pthread_self(), "opsbot-ckpt");  // shown by top -H and in core dumps
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, interval_, [this] { return stopping_ || due_; });
    if (stopping_) break;
    bool due = std::exchange(due_, false);
    lock.unlock();
    if (EnsureOpen() && (due || WalAboveThreshold())) Checkpoint("PASSIVE");
    lock.lock();
  }
  lock.unlock();
  if (EnsureOpen()) Checkpoint("TRUNCATE");
  conn_.reset();
}

bool Checkpointer::EnsureOpen() {
  if (conn_) return true;
  auto conn = Connection::Open(options_);
  if (!conn.ok()) {
    if (!open_failed_) spdlog::error("checkpointer: {}", conn.status().message());
    open_failed_ = true;
    return false;
  }
  if (open_failed_) spdlog::info("checkpointer: opened {}", options_.path);
  open_failed_ = false;
  conn_ = std::move(conn).value();
  try {
    page_size_ = conn_->db().execAndGet("PRAGMA page_size").getInt();
  } catch (const SQLite::Exception& e) {
    spdlog::warn("checkpointer: cannot read page_size of {}: {}", options_.path, e.what());
  }
  return true;
}

bool Checkpointer::WalAboveThreshold() const {
  std::error_code ec;
  auto bytes = std::filesystem::file_size(options_.path + "-wal", ec);
  if (ec) return false;  // no WAL yet
  // A WAL is a 32-byte header and frames of one page plus a 24-byte frame header.
  auto frame = static_cast<std::uintmax_t>(page_size_) + 24;
  auto pages = bytes > 32 ? (bytes - 32) / frame : 0;
  return pages > static_cast<std::uintmax_t>(wal_pages_threshold_ < 0 ? 0 : wal_pages_threshold_);
}

void Checkpointer::Checkpoint(const char* mode) {
  try {
    SQLite::Statement st(conn_->db(), std::string("PRAGMA wal_checkpoint(") + mode + ")");
    if (st.executeStep()) {
      int busy = st.getColumn(0).getInt();
      int log = st.getColumn(1).getInt();
      int done = st.getColumn(2).getInt();
      spdlog::debug("checkpointer: {} checkpoint of {}: busy={} log={} checkpointed={}", mode, options_.path,
                    busy, log, done);
      if (busy != 0 && std::string(mode) == "TRUNCATE") {
        spdlog::warn("checkpointer: final checkpoint of {} was blocked by another connection", options_.path);
      }
    }
    checkpoints_.fetch_add(1);
  } catch (const SQLite::Exception& e) {
    spdlog::error("checkpointer: {} checkpoint of {} failed: {}", mode, options_.path, e.what());
  } catch (const std::exception& e) {
    spdlog::error("checkpointer: {} checkpoint of {} threw: {}", mode, options_.path, e.what());
  }
}

}  // namespace opsbot::store
