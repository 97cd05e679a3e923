// DbLock: only one opsbot process writes a database at a time.
//
// The lock is flock(2) on `<db_path>.lock`, held for the DbLock's lifetime. The kernel releases it when the
// file descriptor closes: when the DbLock is destroyed, or when the process dies in any way (kill -9
// included), so a crash never leaves a stale lock behind. The file's content says who holds it
// (`pid=`, `what=`, `since=` lines) so a refusal can name the holder; the content is advice for humans, the
// flock is the truth.
//
// flock locks belong to an open file description, so a second Acquire in the same process is refused too.
// The caller creates the database's directory. DbLock is move-only; Acquire and Holder are thread-safe.
#pragma once

#include <optional>
#include <string>

#include "bot/status.h"

namespace opsbot::store {

// Who holds a database's lock, as written in its lock file.
struct HolderInfo {
  int pid = 0;        // 0 if the lock file did not say (the holder may be mid-write)
  std::string what;   // what the holder is doing, e.g. "server" or "restore"
  std::string since;  // ISO 8601 UTC, e.g. 2024-05-01T09:30:00Z
};

class DbLock {
 public:
  // Takes the lock for `db_path` without waiting. kUnavailable if another process (or another DbLock in
  // this one) holds it, naming the holder; kUnavailable with the OS error if the lock file cannot be used.
  static Result<DbLock> Acquire(const std::string& db_path, const std::string& what);

  // The holder of `db_path`'s lock if someone holds it (this process included), nullopt if it is free.
  // Probes without taking the lock for longer than the probe itself.
  static std::optional<HolderInfo> Holder(const std::string& db_path);

  static std::string LockPath(const std::string& db_path) { return db_path + ".lock"; }

  DbLock(DbLock&& other) noexcept;
  DbLock& operator=(DbLock&& other) noexcept;
  DbLock(const DbLock&) = delete;
  DbLock& operator=(const DbLock&) = delete;
  ~DbLock();  // releases the lock

  const std::string& db_path() const { return db_path_; }

  // Rewrites what the lock file says this holder is doing (e.g. once a server knows its address).
  Status Describe(const std::string& what);

 private:
  DbLock(int fd, std::string db_path) : fd_(fd), db_path_(std::move(db_path)) {}
  void Release();

  int fd_ = -1;
  std::string db_path_;
};

}  // namespace opsbot::store
