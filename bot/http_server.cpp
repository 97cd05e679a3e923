#include "bot/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/socket.h>

#include <chrono>

#include "bot/http_worker_pool.h"
#include "bot/json_body.h"

namespace opsbot {
namespace {

// The route the current worker thread is serving, for the access counter (set in pre-routing; the
// library runs pre-routing, the handler and the logger on one thread per request).
thread_local const char* t_route = "unmatched";

}  // namespace

void SendJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

const std::string* FindHeader(const httplib::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return &value;
  return nullptr;
}

std::string_view HeaderValue(const httplib::Headers& headers, std::string_view name) {
  const std::string* value = FindHeader(headers, name);
  return value ? std::string_view(*value) : std::string_view();
}

void SendJsonAndClose(httplib::Response& res, int status, const std::string& body) {
  // cpp-httplib 0.11 ignores a "Connection: close" set by a handler and would go on reading the unread body
  // as the next request (holding a worker until the read timeout). A content provider that reports failure
  // after writing the whole body is its only way to close the connection once the response is out.
  res.status = status;
  res.set_header("Connection", "close");
  res.set_content_provider(body.size(), "application/json; charset=utf-8",
                           [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                             if (offset < body.size()) sink.write(body.data() + offset, body.size() - offset);
                             return false;
                           });
}

HttpServer::HttpServer(const HttpConfig& config, MetricsRegistry& metrics)
    : config_(config),
      requests_(metrics.AddCounter("opsbot_http_requests_total", "HTTP requests by route and status.",
                                   {"route", "status"})),
      latency_(metrics.AddHistogram("opsbot_http_handler_seconds", "Time spent in route handlers.", {"route"},
                                    MetricsRegistry::LatencyBounds())) {
  server_.set_tcp_nodelay(true);
  const int threads = config_.threads;
  server_.new_task_queue = [threads] {
    return new HttpWorkerPool(static_cast<std::size_t>(threads), "opsbot-http");
  };
  server_.set_keep_alive_max_count(static_cast<std::size_t>(config_.keep_alive_max));
  server_.set_keep_alive_timeout(config_.keep_alive_timeout_s);
  server_.set_read_timeout(config_.read_timeout_ms / 1000, (config_.read_timeout_ms % 1000) * 1000);
  server_.set_write_timeout(config_.write_timeout_ms / 1000, (config_.write_timeout_ms % 1000) * 1000);
  server_.set_payload_max_length(static_cast<std::size_t>(config_.max_body_bytes));
  server_.set_socket_options([this](socket_t fd) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    listen_fd_.store(fd);
  });
  server_.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRoute(req, res); });
  // Runs for every status >= 400, also after our own handlers: keep a body that is already there.
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty() || res.content_provider_) return;
    const char* code = res.status == 413 ? "payload_too_large" : res.status == 400 ? "bad_request" : "error";
    SendJson(res, res.status, JsonError(code, "HTTP status " + std::to_string(res.status)));
  });
  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("http: {} {} failed: {}", req.method, req.path, what);
        SendJson(res, 500, JsonError("internal", "internal error; nothing was changed"));
      });
  server_.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    requests_.With({t_route, std::to_string(res.status)}).Inc();
  });
}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Add(HttpRoute route) {
  bool literal = route.path.find_first_of(R"(\^$.|?*+()[]{})") == std::string::npos;
  auto entry =
      std::make_unique<Entry>(Entry{route, literal ? std::regex() : std::regex(route.path), literal});
  Entry* e = entry.get();
  routes_.push_back(std::move(entry));
  Histogram& timer = latency_.With({route.name});
  auto timed = [e, &timer](const httplib::Request& req, httplib::Response& res) {
    auto start = std::chrono::steady_clock::now();
    e->route.handler(req, res);
    timer.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
  if (route.method == "GET") {
    server_.Get(route.path, timed);
  } else if (route.method == "POST") {
    server_.Post(route.path, timed);
  }
}

const HttpServer::Entry* HttpServer::Find(const std::string& method, const std::string& path,
                                          std::string* allow) const {
  for (const auto& e : routes_) {
    if (e->literal ? path != e->route.path : !std::regex_match(path, e->re)) continue;
    if (e->route.method == method) return e.get();
    *allow += (allow->empty() ? "" : ", ") + e->route.method;
  }
  return nullptr;
}

httplib::Server::HandlerResponse HttpServer::PreRoute(const httplib::Request& req, httplib::Response& res) {
  t_route = "unmatched";
  std::string allow;
  const Entry* e = Find(req.method, req.path, &allow);
  if (!e) {
    // Answered without reading a body: if one follows, close rather than read it as the next request.
    const std::string* length = FindHeader(req.headers, "Content-Length");
    bool body = FindHeader(req.headers, "Transfer-Encoding") || (length && *length != "0");
    auto send = body ? SendJsonAndClose : SendJson;
    if (allow.empty()) {
      send(res, 404, JsonError("not_found", "no route " + req.path));
    } else {
      res.set_header("Allow", allow);
      send(res, 405, JsonError("method_not_allowed", req.method + " is not allowed here; use " + allow));
    }
    return httplib::Server::HandlerResponse::Handled;
  }
  t_route = e->route.name.c_str();
  // The library reads a chunked body whole, with no size limit: take bodies with a Content-Length only
  // (nginx in front sends one).
  if (FindHeader(req.headers, "Transfer-Encoding")) {
    SendJsonAndClose(res, 411,
                     JsonError("length_required", "send the body with a Content-Length, not chunked"));
    return httplib::Server::HandlerResponse::Handled;
  }
  std::int64_t limit = e->route.max_body > 0 ? e->route.max_body : config_.max_body_bytes;
  if (const std::string* header = FindHeader(req.headers, "Content-Length")) {
    const std::string& value = *header;
    char* end = nullptr;
    errno = 0;
    long long length = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0 || length < 0) {
      SendJsonAndClose(res, 400, JsonError("bad_request", "invalid Content-Length"));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (length > limit) {
      SendJsonAndClose(
          res, 413,
          JsonError("payload_too_large", "body of " + value + " bytes is over this route's limit of " +
                                             std::to_string(limit) + " bytes"));
      return httplib::Server::HandlerResponse::Handled;
    }
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

Result<int> HttpServer::Bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_.bind_to_any_port(host);
    if (bound <= 0) return Status::Unavailable("cannot listen on " + host + ":0");
  } else if (!server_.bind_to_port(host, port)) {
    return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port) +
                               " (in use, or not an address of this machine)");
  }
  // The library listens with a backlog of 5, compiled in; raise it so a burst of connections queues
  // instead of having its SYNs dropped.
  int fd = listen_fd_.load();
  if (fd >= 0 && ::listen(fd, config_.backlog) != 0) spdlog::warn("http: cannot raise the listen backlog");
  return bound;
}

bool HttpServer::Run() {
  return server_.listen_after_bind();
}

void HttpServer::Stop() {
  if (server_.is_running()) server_.stop();
}

}  // namespace opsbot
