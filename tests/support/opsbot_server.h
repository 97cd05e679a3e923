// OpsbotServer: the real `opsbot serve --listen 127.0.0.1:0` in an OpsbotEnv, for end-to-end HTTP tests;
// plus raw-socket helpers for the requests a client library will not send.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/opsbot_env.h"
#include "tests/support/subprocess.h"

namespace opsbot::testing {

// `yaml` with the api.token_file line pointed at `path` (the demo config's ./data/api-token is relative to
// the working directory, which a test must not write into).
std::string WithTokenFile(std::string yaml, const std::string& path);
// The demo config with its token file at env.File("api-token").
std::string ServeConfig(const OpsbotEnv& env);

// The body of `res` parsed as JSON; discarded (or null without a response) when it is not JSON.
nlohmann::json BodyJson(const httplib::Result& res);

class OpsbotServer {
 public:
  // Starts the server, learns its port from the "opsbot serving on http://127.0.0.1:PORT" log line and waits
  // until /healthz answers 200. `env_vars` ("K=V") are added to the server's environment. On failure,
  // started() is false and error() says why (with the server's stderr).
  explicit OpsbotServer(const OpsbotEnv& env, const std::vector<std::string>& env_vars = {});

  bool started() const { return port_ > 0 && error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Subprocess& process() { return *process_; }

  // A client for this server with short timeouts.
  std::unique_ptr<httplib::Client> Client() const;
  // POST /api/v1/messages {"user","chat","text"} with `token` as the bearer token.
  httplib::Result Say(const std::string& token, const std::string& user, const std::string& chat,
                      const std::string& text) const;

  // Reads the server's log (stderr) for `ms`, keeping it in process().err(). A test that makes the server
  // log more than a pipe holds (64 KiB: some 500 command lines) must keep reading, or the server blocks
  // writing its log. Not thread-safe: call it from the thread that owns this object.
  void ReadLog(int ms) { process_->ReadStderrUntil("\x01", ms); }

  // Sends `sig` and waits for the exit; returns the exit status (128+sig if killed).
  int Stop(int sig = 15, int timeout_ms = 10000);

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = -1;
  std::string error_;
};

// The first line of a file (a token file), without the newline.
std::string ReadFirstLine(const std::string& path);

// A blocking TCP connection to 127.0.0.1:port, or -1.
int ConnectLoopback(int port);
// Writes all of `data`; false on error.
bool SendAll(int fd, const std::string& data);

// One HTTP response read off a raw socket.
struct RawResponse {
  int status = 0;    // 0: nothing parseable arrived
  std::string head;  // status line and headers
  std::string body;
  bool complete = false;                              // the whole body (per Content-Length) arrived
  bool closed = false;                                // the peer closed the connection (EOF) after it
  bool reset = false;                                 // a read failed (ECONNRESET or other error)
  std::string Header(const std::string& name) const;  // case-insensitive; "" when absent
};
// Reads one response from `fd` until it is complete (and, when `until_eof`, until EOF) or `timeout_ms`
// passes.
RawResponse ReadRawResponse(int fd, int timeout_ms, bool until_eof = false);
// Connects, sends `request` as is, reads one response, closes.
RawResponse RawExchange(int port, const std::string& request, int timeout_ms = 5000);

}  // namespace opsbot::testing
