// FakeSlack: a Slack Web API stand-in on 127.0.0.1 for tests — chat.postMessage and slash-command
// response_urls — that records every call and answers as scripted (ok, 429 + Retry-After, 5xx, ok:false,
// or a hang before answering), and enforces a pace per channel.
//
//   POST /api/chat.postMessage                 JSON {channel, text, thread_ts, ...}; api_base() points here
//   POST /commands/<anything>                  a response_url (response_url(id)); JSON {response_type, text}
//   GET  /api/users.info?user=U…&include_locale=true   the users added with AddUser
//   POST http://<host>/api/chat.postMessage     the same, asked through it as an HTTP proxy (absolute URI)
//
// Each call takes the next scripted answer (Script), or ok when none is left. chat.postMessage checks the
// bearer token first when Options::token is set (a wrong one answers ok:false invalid_auth) and the channel
// (none: ok:false channel_not_found). A pace check comes before the script: a message arriving less than
// pace_ms after the last *delivered* message to the same channel (response_url: the same URL) is a
// violation — answered 429 with Retry-After, counted, and not delivered. A hang waits hang_ms (cut short
// when the fake stops) and then answers ok: the message counts as delivered even if the client gave up,
// as it would on Slack. A response_url error answer is HTTP 404 with the code as its body.
//
// Lifetime: serves from construction (own thread) until destruction. All methods are thread-safe.
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace opsbot::testing {

struct FakeSlackAnswer {
  enum Kind { kOk, kRateLimited, kServerError, kOkFalse, kHang };
  Kind kind = kOk;
  int retry_after_s = 1;  // kRateLimited
  int status = 500;       // kServerError
  std::string error;      // kOkFalse: the error code
  int hang_ms = 0;        // kHang: how long to wait before answering ok

  static FakeSlackAnswer Ok() { return {}; }
  static FakeSlackAnswer RateLimited(int retry_after_s) { return {kRateLimited, retry_after_s, 0, "", 0}; }
  static FakeSlackAnswer ServerError(int status = 500) { return {kServerError, 0, status, "", 0}; }
  static FakeSlackAnswer Error(std::string code) { return {kOkFalse, 0, 0, std::move(code), 0}; }
  static FakeSlackAnswer Hang(int ms) { return {kHang, 0, 0, "", ms}; }
};

struct FakeSlackCall {
  std::chrono::steady_clock::time_point received;
  std::string path;           // the request target as received
  bool response_url = false;  // a /commands/... call
  bool via_proxy = false;     // asked with an absolute URI, as of a proxy
  std::string authorization;  // the Authorization header, "" when absent
  std::string proxy_authorization;
  std::string content_type;
  std::string body;                                     // raw
  std::string channel, text, thread_ts, response_type;  // from the JSON body
  bool mrkdwn = false;
  int status = 0;          // the HTTP status answered
  std::string answer;      // the body answered
  bool delivered = false;  // answered as a success: the message counts as posted
  bool pace_violation = false;
};

class FakeSlack {
 public:
  struct Options {
    std::string token;                // expected bearer token on chat.postMessage; empty: any
    int pace_ms = 0;                  // minimum gap between delivered messages per channel; 0: none
    std::string cert_file, key_file;  // both set: serve HTTPS
  };

  FakeSlack() : FakeSlack(Options()) {}
  explicit FakeSlack(Options options);
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  std::string base_url() const;  // http(s)://127.0.0.1:PORT
  std::string api_base() const { return base_url() + "/api"; }
  std::string response_url(const std::string& id) const { return base_url() + "/commands/" + id; }

  void Script(std::vector<FakeSlackAnswer> answers);  // appended to what is left
  // A user GET /api/users.info knows (it answers user_not_found for others, and counts every call).
  void AddUser(const std::string& id, const std::string& handle, const std::string& locale,
               const std::string& tz);
  int users_info_calls() const;
  void SetPaceMs(int ms);

  std::vector<FakeSlackCall> calls() const;
  std::vector<FakeSlackCall> delivered() const;
  int pace_violations() const;
  // Waits until at least `n` calls were answered as delivered; false on timeout.
  bool WaitForDelivered(std::size_t n, int timeout_ms) const;

 private:
  void Handle(const httplib::Request& req, httplib::Response& res, bool response_url, bool via_proxy);
  void UsersInfo(const httplib::Request& req, httplib::Response& res);

  Options options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = -1;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // calls answered, or stopping
  bool stopping_ = false;
  std::deque<FakeSlackAnswer> script_;
  std::vector<FakeSlackCall> calls_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_delivered_;  // per channel
  int pace_violations_ = 0;
  std::map<std::string, nlohmann::json> users_;
  int users_info_calls_ = 0;
  int next_ts_ = 1;
};

}  // namespace opsbot::testing
