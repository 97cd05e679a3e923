#include "store/writer.h"

#include <SQLiteCpp/Exception.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <exception>
#include <string>

namespace opsbot::store {

Writer::Writer(std::unique_ptr<Connection> conn, Options options)
    : conn_(std::move(conn)), options_(std::move(options)) {
  sqlite3_wal_hook(
      conn_->db().getHandle(),
      [](void* self, sqlite3*, const char*, int frames) {
        auto* writer = static_cast<Writer*>(self);
        writer->wal_frames_ = frames;
        try {  // nothing may unwind through SQLite's C code
          if (writer->options_.on_wal_frames) writer->options_.on_wal_frames(frames);
        } catch (const std::exception& e) {
          spdlog::error("writer: the WAL hook threw: {}", e.what());
        }
        return SQLITE_OK;
      },
      this);
  thread_ = std::thread([this] { Loop(); });
}

Writer::~Writer() {
  Stop();
}

void Writer::Submit(Work work, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_.load()) {
      queue_.push_back({std::move(work), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(Status::Unavailable("opsbot is shutting down; nothing was changed"));
}

void Writer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_.store(true);
    cv_.notify_one();
  }
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Writer::Loop() {
  pthread_setname_np(pthread_self(), "opsbot-writer");  // shown by top -H and in core dumps
  for (;;) {
    std::deque<Item> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !queue_.empty() || stopping_.load(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    RestartWalIfLong();
  }
}

void Writer::RestartWalIfLong() {
  if (options_.wal_restart_frames <= 0 || wal_frames_ <= options_.wal_restart_frames) return;
  int log = 0, copied = 0;
  auto t0 = std::chrono::steady_clock::now();
  int rc =
      sqlite3_wal_checkpoint_v2(conn_->db().getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  spdlog::debug(
      "writer: WAL of {} frames checkpointed on the writer (rc={}, copied={}) in {} us", log, rc, copied,
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  wal_frames_ = 0;
}

void Writer::RunBatch(std::deque<Item>& batch) {
  std::vector<Status> results(batch.size());
  Status commit_status;
  std::int64_t commit_micros = 0;
  std::size_t failed = 0;
  try {
    conn_->Step("BEGIN IMMEDIATE");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      conn_->Step("SAVEPOINT work");
      try {
        results[i] = batch[i].work(*conn_);
      } catch (const SQLite::Exception& e) {
        results[i] = Status::Internal(std::string("store error: ") + e.what());
        spdlog::error("writer: work failed with a store error: {}", e.what());
      } catch (const std::exception& e) {
        results[i] = Status::Internal(std::string("unexpected error: ") + e.what());
        spdlog::error("writer: work threw: {}", e.what());
      }
      conn_->ResetStatements();
      if (!results[i].ok()) {
        ++failed;
        conn_->Step("ROLLBACK TO work");
      }
      conn_->Step("RELEASE work");
    }
    auto commit_start = std::chrono::steady_clock::now();
    conn_->Step("COMMIT");
    commit_micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - commit_start)
            .count();
  } catch (const SQLite::Exception& e) {
    commit_status = Status::Internal(std::string("commit failed: ") + e.what());
    spdlog::error("writer: batch of {} not committed: {}", batch.size(), e.what());
    try {
      conn_->Exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // No transaction left to roll back.
    }
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.work_items += batch.size();
    stats_.work_failed += commit_status.ok() ? failed : batch.size();
    if (!commit_status.ok()) ++stats_.commit_failures;
    stats_.last_batch_size = batch.size();
    if (batch.size() > stats_.max_batch_size) stats_.max_batch_size = batch.size();
    stats_.commit_micros_total += static_cast<std::uint64_t>(commit_micros);
  }
  if (options_.on_batch) options_.on_batch(batch.size(), commit_micros);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].done(commit_status.ok() ? results[i] : commit_status);
  }
}

}  // namespace opsbot::store
