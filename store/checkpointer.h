// Checkpointer: runs WAL checkpoints on its own thread, off the Writer's hot path.
//
// The Writer's connection sets wal_autocheckpoint=0, so without this the WAL grows without bound. The
// Checkpointer's thread, on its own read-write Connection, runs PRAGMA wal_checkpoint(PASSIVE):
//   - each time the WAL has grown by `frames_per_checkpoint` frames: the Writer tells it after each commit
//     (WalWritten). A checkpoint fsyncs the WAL written since the last one, and the Writer's commits that
//     overlap that fsync are slow: many small checkpoints keep them short (bench/README.md: p99 of
//     `ticket new` 3.7–13 ms with the tick alone, 2.0–2.7 ms with one every 1,000 frames, ~4 MB);
//   - and every `interval`, if the -wal file holds more than `wal_pages_threshold` pages (a stat()). SQLite
//     reuses the file at its largest size, so once it has grown this is every tick: a trickle of commits
//     is copied within `interval` (a checkpoint with nothing new to copy does no I/O).
// PASSIVE never waits: it copies what no reader still needs and never blocks the Writer or the readers.
// Stop() runs a final wal_checkpoint(TRUNCATE), which empties the -wal file when no one else is using the
// database: stop the Writer first.
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
  Checkpointer(ConnectionOptions options, std::chrono::milliseconds interval, int wal_pages_threshold = 1000,
               int frames_per_checkpoint = 1000);
  ~Checkpointer();  // calls Stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Wakes the thread, runs the final TRUNCATE checkpoint and joins. Idempotent.
  void Stop();

  // The Writer's cue after a commit: the WAL now holds `wal_frames` frames (fewer than before when it
  // started over). Wakes the thread once frames_per_checkpoint frames were appended since it last did; a
  // few integer operations when it does not. Called by one thread at a time (the Writer's).
  void WalWritten(int wal_frames);

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
  int frames_per_checkpoint_;
  int wal_frames_ = 0;  // WalWritten's caller only: the WAL's length it last reported
  int new_frames_ = 0;  // WalWritten's caller only: frames appended since it last woke the thread
  std::unique_ptr<Connection> conn_;  // used only by the thread
  bool open_failed_ = false;          // used only by the thread: log a failing open once
  int page_size_ = 4096;              // used only by the thread
  std::atomic<std::uint64_t> checkpoints_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool due_ = false;       // guarded by mu_: WalWritten asked for a checkpoint
  std::mutex stop_mu_;     // serialises Stop() callers around join
  std::thread thread_;
};

}  // namespace opsbot::store
