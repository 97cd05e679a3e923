// HttpServer: cpp-httplib 0.11 tuned and hardened as shared/http-serving.md measured.
//
// TCP_NODELAY, a bounded worker pool, keep-alive, a listen backlog raised at run time, short read and write
// timeouts. Routing is opsbot's own table, checked in the pre-routing handler before any body is read:
// unknown path → 404, known path with another method → 405 (with Allow), Content-Length over the route's
// limit → 413. Every error body is JSON, and the library's error handler never overwrites a handler's own
// body. Each request is counted by route and status, and its handler timed, in the MetricsRegistry.
// Never takes a decision from a header a client could forge or shadow (REMOTE_ADDR and the like).
//
// Lifetime: Add routes, then Bind, then Run (blocks) on one thread; Stop from any thread stops accepting,
// lets in-flight requests finish, and makes Run return.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "bot/config.h"
#include "bot/metrics.h"
#include "bot/status.h"

namespace opsbot {

struct HttpRoute {
  std::string method;         // GET, POST
  std::string path;           // a regex over the whole path, as httplib takes it
  std::string name;           // the metrics label, e.g. "/api/v1/tickets/:id"
  std::int64_t max_body = 0;  // 0: the server's default
  httplib::Server::Handler handler;
};

class HttpServer {
 public:
  HttpServer(const HttpConfig& config, MetricsRegistry& metrics);
  ~HttpServer();

  void Add(HttpRoute route);
  // Binds host:port (port 0: any free port) and raises the backlog. Returns the bound port.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(). Returns false if the server could not run.
  bool Run();
  void Stop();
  bool running() const { return server_.is_running(); }

 private:
  struct Entry {
    HttpRoute route;
    std::regex re;  // empty for a literal path
    bool literal;   // the path has no regex syntax: compared as a string (std::regex costs µs per route)
  };
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res);
  const Entry* Find(const std::string& method, const std::string& path, std::string* allow) const;

  HttpConfig config_;
  Family<Counter>& requests_;
  Family<Histogram>& latency_;
  std::vector<std::unique_ptr<Entry>> routes_;
  httplib::Server server_;
  std::atomic<int> listen_fd_{-1};
};

// Sends a JSON body with `status`.
void SendJson(httplib::Response& res, int status, const std::string& body);
// The same, then closes the connection: for answers given before the request's body was read.
void SendJsonAndClose(httplib::Response& res, int status, const std::string& body);

// The first value of header `name` (ASCII case ignored), or nullptr: one pass over the few headers a request
// has. The library's own look-up builds a std::string of the name and compares through tolower() a character
// at a time, ~1,100 instructions a call on the bench's requests. The value whole: cpp-httplib 0.11 decodes
// %XX in header values, and where its get_header_value's const char* ended at a decoded NUL, this keeps what
// follows (a token or signature with "%00..." after it no longer matches).
const std::string* FindHeader(const httplib::Headers& headers, std::string_view name);
// The same as a view, empty when there is none (as the library's get_header_value gives it).
std::string_view HeaderValue(const httplib::Headers& headers, std::string_view name);

}  // namespace opsbot
