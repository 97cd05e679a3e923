// ReadPool: read-only connections for commands that change nothing (list, show, help).
//
// Thread-safe. A Lease is one connection for one thread until the Lease is destroyed. Connections are
// opened on demand up to `max`; a caller beyond that waits for a lease to come back. WAL lets these reads
// run beside the Writer and see only committed data.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "bot/status.h"
#include "store/connection.h"

namespace opsbot::store {

class ReadPool {
 public:
  ReadPool(ConnectionOptions options, std::size_t max);

  // Runs fn on a leased connection. Store failures come back as kInternal.
  template <typename T>
  Result<T> Run(const std::function<Result<T>(Connection&)>& fn);

 private:
  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);
  static Status StoreFailure(const std::exception& e);

  ConnectionOptions options_;
  std::size_t max_;
  std::size_t open_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

template <typename T>
Result<T> ReadPool::Run(const std::function<Result<T>(Connection&)>& fn) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  std::unique_ptr<Connection> c = std::move(conn.value());
  Result<T> out = Status::Internal("not run");
  try {
    c->Step("BEGIN");  // one snapshot for the whole read
    out = fn(*c);
    c->ResetStatements();
    c->Step("COMMIT");
  } catch (const std::exception& e) {
    try {
      c->ResetStatements();
      c->Exec("ROLLBACK");
    } catch (const std::exception&) {
    }
    out = StoreFailure(e);
  }
  Release(std::move(c));
  return out;
}

}  // namespace opsbot::store
