// Checkpointer: runs WAL checkpoints on its own thread, off the Writer's hot path.
//
// The Writer's connection sets wal_autocheckpoint=0, so without this the WAL grows without bound. Every
// `interval` the Checkpointer's thread, on its own read-write Connection, runs PRAGMA
// wal_checkpoint(PASSIVE) if the -wal file holds more than `wal_pages_threshold` pages (a stat(), so an idle
// bot does nothing). PASSIVE never waits: it copies what no reader still needs and never blocks the Writer
// or the readers. Stop() runs a final wal_checkpoint(TRUNCATE), which empties the -wal file when no one else
// is using the database: stop the Writer first.
//
// Thread-safe. Errors are logged (spdlog) and retried on the next tick; nothing is thrown. If the database
// cannot be opened (create=false: it must exist), the open is retried on the next tick.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "store/connection.h"

namespace opsbot::store {

class Checkpointer {
 public:
  // `options.path` names the database; read_only and create are overridden (read-write, must exist).
  Checkpointer(ConnectionOptions options, std::chrono::milliseconds interval, int wal_pages_threshold = 1000);
  ~Checkpointer();  // calls Stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Wakes the thread, runs the final TRUNCATE checkpoint and joins. Idempotent.
  void Stop();

  // Checkpoints run so far (each PASSIVE, plus the final TRUNCATE).
  std::uint64_t checkpoints() const { return checkpoints_.load(); }

 private:
  void Loop();
  bool EnsureOpen();
  bool WalAboveThreshold() const;
  void Checkpoint(const char* mode);

  ConnectionOptions options_;
  std::chrono::milliseconds interval_;
  int wal_pages_threshold_;
  std::unique_ptr<Connection> conn_;  // used only by the thread
  bool open_failed_ = false;          // used only by the thread: log a failing open once
  int page_size_ = 4096;              // used only by the thread
  std::atomic<std::uint64_t> checkpoints_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::mutex stop_mu_;     // serialises Stop() callers around join
  std::thread thread_;
};

}  // namespace opsbot::store
