// load_client: a keep-alive HTTP/1.1 load loop built as wrk is. A few threads each drive their share of the
// connections through epoll; every request is built by the caller just before it is sent, so each one can
// carry its own id, timestamp and signature. Its cost per request is a write, a read and an epoll wake, about
// what wrk's is: the heavier client it replaces (one httplib::Client thread per connection) took a third of a
// 2-core machine and most of what it measured as the bare server's p99 was its own threads waiting for a
// core.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace opsbot::bench {

// Where a load goes, from "http://HOST[:PORT]/PATH" (plain HTTP only; no port: 80, no path: "/").
struct LoadTarget {
  std::string host;       // "127.0.0.1"
  int port = 80;          // 8080
  std::string host_port;  // "127.0.0.1:8080", the Host header
  std::string path;       // "/dingtalk/callback"
};
LoadTarget ParseLoadUrl(const std::string& url);

// A whole HTTP/1.1 POST with Content-Length and keep-alive, ready to write to a socket.
std::string RawPost(const std::string& host, const std::string& path_and_query,
                    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                    const std::string& content_type);

struct LoadResult {
  std::vector<double> latencies_ms;  // one per response completed within the run, 200 or not
  long errors = 0;                   // non-200 answers, broken connections, answers still missing at the end
  std::vector<std::string> first_errors;  // the first few, as "status body" or what broke
};

// Makes one request for connection `conn`, its `seq`-th (from 0). Called on the load threads, concurrently
// for different connections: it must be thread-safe.
using RequestMaker = std::function<std::string(int conn, long seq)>;

// Keeps `connections` connections to host:port busy for `seconds`, each sending its next request as soon as
// the answer to the last one is read, spread over min(threads, connections) threads. A response is framed by
// Content-Length (what cpp-httplib sends) or chunked (Node.js); a server that closes a connection gets a new
// one. Requests in flight when the time is up are awaited (up to 10 s) but not counted.
LoadResult RunLoad(const std::string& host, int port, int seconds, int connections, int threads,
                   const RequestMaker& make);

// A bench's load command: RunLoad on `target` with two threads (as bench/run's wrk -t2: enough to keep 16
// connections busy on two cores), then prints "RESULT rps=… p50_ms=… p99_ms=… requests=… errors=…" and up
// to three errors on stderr. Returns the exit status: 0, or 1 if any request failed.
int RunLoadAndPrint(const LoadTarget& target, int seconds, int connections, const RequestMaker& make);

}  // namespace opsbot::bench
