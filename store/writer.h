// Writer: the one thread that writes the database, committing queued work in batches.
//
// Shape (measured in shared/http-serving.md, "Durable writes"): request threads Submit() work; the
// writer thread takes everything queued (up to max_batch), opens one transaction, runs each piece of work
// in its own savepoint, commits once, then calls each piece's `done`. So:
//   1. work that fails (returns a non-ok Status or throws) is rolled back to its savepoint; the rest of
//      the batch still commits;
//   2. `done` runs only after the batch's COMMIT returned, so a reply built from it follows its commit;
//   3. if the COMMIT itself fails, every piece of the batch gets that error and nothing of it is kept.
// Thread-safe: Submit and Run may be called from any thread except the writer thread itself (Run would
// deadlock there). `done` runs on the writer thread: keep it short (wake a waiter).
// Stop() commits what is queued, then refuses new work with kUnavailable.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "bot/status.h"
#include "store/connection.h"

namespace opsbot::store {

struct WriterStats {
  std::uint64_t batches = 0;
  std::uint64_t work_items = 0;
  std::uint64_t work_failed = 0;
  std::uint64_t commit_failures = 0;
  std::uint64_t last_batch_size = 0;
  std::uint64_t max_batch_size = 0;
  std::uint64_t commit_micros_total = 0;
};

class Writer {
 public:
  using Work = std::function<Status(Connection&)>;
  using Done = std::function<void(const Status&)>;

  struct Options {
    std::size_t max_batch = 256;
    // Called after each batch with its size and the COMMIT's duration in microseconds (for metrics).
    std::function<void(std::size_t batch, std::int64_t commit_micros)> on_batch;
    // When the WAL holds more frames than this after a commit, the writer thread runs a PASSIVE
    // checkpoint between batches (0: never). The Checkpointer copies frames in the background, but under
    // steady writes it never reaches the end of the WAL, so the WAL would never start over and would
    // grow without bound; run here, with no commit in between, the checkpoint copies the short tail the
    // Checkpointer left and the next transaction starts the WAL from its beginning.
    int wal_restart_frames = 65536;
    // Called on the writer thread inside each COMMIT with the WAL's length in frames afterwards (SQLite's
    // wal_hook): the Checkpointer's cue (Checkpointer::WalWritten). Must be quick and must not touch SQLite.
    std::function<void(int wal_frames)> on_wal_frames;
  };

  Writer(std::unique_ptr<Connection> conn, Options options);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Submit(Work work, Done done);

  // Runs `fn` on the writer thread in its own savepoint and waits for the batch's commit. Returns fn's
  // result, or the error that kept it from committing.
  template <typename T>
  Result<T> Run(std::function<Result<T>(Connection&)> fn);

  // Commits what is queued and stops the thread; later Submits get kUnavailable at once.
  void Stop();
  bool running() const { return !stopping_.load(); }
  WriterStats stats() const;

 private:
  struct Item {
    Work work;
    Done done;
  };
  void Loop();
  void RunBatch(std::deque<Item>& batch);
  void RestartWalIfLong();

  std::unique_ptr<Connection> conn_;
  Options options_;
  int wal_frames_ = 0;  // the WAL's length after the last commit; writer thread only
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  std::atomic<bool> stopping_{false};
  WriterStats stats_;  // guarded by mu_
  std::thread thread_;
};

template <typename T>
Result<T> Writer::Run(std::function<Result<T>(Connection&)> fn) {
  std::optional<Result<T>> out;
  std::promise<Status> committed;
  auto future = committed.get_future();
  Submit(
      [&](Connection& conn) {
        out.emplace(fn(conn));
        return out->ok() ? Status::Ok() : out->status();
      },
      [&](const Status& s) { committed.set_value(s); });
  Status s = future.get();
  if (out.has_value() && !out->ok()) return std::move(*out);  // the work's own refusal
  if (!s.ok()) return s;                                      // rolled back, commit failed, or stopping
  return std::move(*out);
}

}  // namespace opsbot::store
