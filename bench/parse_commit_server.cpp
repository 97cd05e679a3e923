// parse_commit_server: the issue's second reference point — the bare server of bare_server.cpp plus only
// the JSON parse of the body and one batched SQLite commit per request, nothing else (no auth, no command,
// no reply text). It places opsbot's `ticket new` between the ceiling and the least a durable write costs.
//   parse_commit_server PORT DBFILE
// The database is in WAL mode at synchronous=NORMAL, as opsbot's, with SQLite's own automatic checkpoints
// (every 1,000 frames, on the committing thread; opsbot runs them on a thread of their own). One writer
// thread takes everything queued, inserts each request's text in one transaction and commits, then wakes
// each waiting request: opsbot's Writer, without savepoints.
#include <httplib.h>
#include <sqlite3.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <future>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tuned_server.h"

namespace {

struct Job {
  std::string text;
  std::promise<bool> committed;
};

class BatchWriter {
 public:
  explicit BatchWriter(sqlite3* db) : db_(db), thread_([this] { Loop(); }) {}
  ~BatchWriter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  // Blocks until the text is committed; false if the transaction failed.
  bool Insert(std::string text) {
    Job job{std::move(text), {}};
    auto done = job.committed.get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(&job);
    }
    cv_.notify_one();
    return done.get();
  }

 private:
  void Loop() {
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO messages (text) VALUES (?)", -1, &insert, nullptr);
    for (;;) {
      std::deque<Job*> batch;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) break;  // stopping, with nothing left to commit
        batch.swap(queue_);
      }
      bool ok = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
      for (Job* job : batch) {
        sqlite3_bind_text(insert, 1, job->text.data(), static_cast<int>(job->text.size()), SQLITE_STATIC);
        ok = ok && sqlite3_step(insert) == SQLITE_DONE;
        sqlite3_reset(insert);
      }
      ok = ok && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      if (!ok) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      for (Job* job : batch)
        job->committed.set_value(ok);
    }
    sqlite3_finalize(insert);
  }

  sqlite3* db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job*> queue_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: parse_commit_server PORT DBFILE\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK ||
      sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                   "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::cerr << "cannot open " << argv[2] << "\n";
    return 1;
  }
  BatchWriter writer(db);

  httplib::Server server;
  const std::string body = R"({"reply":"Created T-1 [P3]: bench","outcome":"ok","command":"ticket.new"})";
  server.Post("/api/v1/messages", [&](const httplib::Request& req, httplib::Response& res) {
    auto j = nlohmann::json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      res.status = 400;
      return res.set_content(R"({"error":"bad_request"})", "application/json");
    }
    if (!writer.Insert(j["text"].get<std::string>())) {
      res.status = 503;
      return res.set_content(R"({"error":"unavailable"})", "application/json");
    }
    res.set_content(body, "application/json");
  });
  server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  return ServeTuned(server, port, "parse_commit_server");
}
