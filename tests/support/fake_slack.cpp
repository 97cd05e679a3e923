#include "tests/support/fake_slack.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace opsbot::testing {
namespace {

std::string StringOf(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

FakeSlack::FakeSlack(Options options) : options_(std::move(options)) {
  if (!options_.cert_file.empty() && !options_.key_file.empty())
    server_ = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
  else
    server_ = std::make_unique<httplib::Server>();
  if (!server_->is_valid()) return;
  server_->set_tcp_nodelay(true);
  server_->Post(R"(/api/chat\.postMessage)", [this](const httplib::Request& req, httplib::Response& res) {
    Handle(req, res, /*response_url=*/false, /*via_proxy=*/false);
  });
  server_->Get(R"(/api/users\.info)",
               [this](const httplib::Request& req, httplib::Response& res) { UsersInfo(req, res); });
  server_->Post(R"(/commands/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    Handle(req, res, /*response_url=*/true, /*via_proxy=*/false);
  });
  server_->Post(R"(http://[^/]+/api/chat\.postMessage)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Handle(req, res, /*response_url=*/false, /*via_proxy=*/true);
                });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs: wait for it, so a destructor right after cannot hang.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeSlack::~FakeSlack() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeSlack::base_url() const {
  bool tls = !options_.cert_file.empty() && !options_.key_file.empty();
  return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void FakeSlack::Script(std::vector<FakeSlackAnswer> answers) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& a : answers)
    script_.push_back(std::move(a));
}

void FakeSlack::SetPaceMs(int ms) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.pace_ms = ms;
}

std::vector<FakeSlackCall> FakeSlack::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

std::vector<FakeSlackCall> FakeSlack::delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FakeSlackCall> out;
  for (const auto& c : calls_)
    if (c.delivered) out.push_back(c);
  return out;
}

int FakeSlack::pace_violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pace_violations_;
}

bool FakeSlack::WaitForDelivered(std::size_t n, int timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return static_cast<std::size_t>(std::count_if(calls_.begin(), calls_.end(),
                                                  [](const FakeSlackCall& c) { return c.delivered; })) >= n;
  });
}

void FakeSlack::Handle(const httplib::Request& req, httplib::Response& res, bool response_url,
                       bool via_proxy) {
  FakeSlackCall call;
  call.received = std::chrono::steady_clock::now();
  call.path = req.path;
  call.response_url = response_url;
  call.via_proxy = via_proxy;
  call.authorization = req.get_header_value("Authorization");
  call.proxy_authorization = req.get_header_value("Proxy-Authorization");
  call.content_type = req.get_header_value("Content-Type");
  call.body = req.body;
  auto j = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  bool json_ok = j.is_object();
  if (json_ok) {
    call.channel = StringOf(j, "channel");
    call.text = StringOf(j, "text");
    call.thread_ts = StringOf(j, "thread_ts");
    call.response_type = StringOf(j, "response_type");
    call.mrkdwn = j.contains("mrkdwn") && j["mrkdwn"].is_boolean() && j["mrkdwn"].get<bool>();
  }

  // Decide the answer under the lock; a hang waits outside the decision but inside the lock's cv.
  std::unique_lock<std::mutex> lock(mu_);
  std::size_t index = calls_.size();
  calls_.push_back(call);
  auto answer_with = [&](int status, std::string body, bool success) {
    calls_[index].status = status;
    calls_[index].answer = body;
    calls_[index].delivered = success;
    res.status = status;
    res.set_content(body, response_url && success ? "text/plain" : "application/json");
    cv_.notify_all();
  };
  auto slack_error = [&](const std::string& code) {
    if (response_url) return answer_with(404, code, false);
    answer_with(200, nlohmann::json({{"ok", false}, {"error", code}}).dump(), false);
  };

  if (!json_ok) return slack_error("invalid_json");
  if (!response_url && !options_.token.empty() && call.authorization != "Bearer " + options_.token)
    return slack_error("invalid_auth");
  if (!response_url && call.channel.empty()) return slack_error("channel_not_found");

  const std::string pace_key = response_url ? call.path : call.channel;
  auto last = last_delivered_.find(pace_key);
  if (options_.pace_ms > 0 && last != last_delivered_.end() &&
      call.received - last->second < std::chrono::milliseconds(options_.pace_ms)) {
    ++pace_violations_;
    calls_[index].pace_violation = true;
    res.set_header("Retry-After", std::to_string((options_.pace_ms + 999) / 1000));
    return answer_with(429, R"({"ok":false,"error":"ratelimited"})", false);
  }

  FakeSlackAnswer a;
  if (!script_.empty()) {
    a = script_.front();
    script_.pop_front();
  }
  switch (a.kind) {
    case FakeSlackAnswer::kRateLimited:
      res.set_header("Retry-After", std::to_string(a.retry_after_s));
      return answer_with(429, R"({"ok":false,"error":"ratelimited"})", false);
    case FakeSlackAnswer::kServerError:
      return answer_with(a.status, "<html>server error</html>", false);
    case FakeSlackAnswer::kOkFalse:
      return slack_error(a.error);
    case FakeSlackAnswer::kHang:
      last_delivered_[pace_key] = call.received;  // it is posted; only the answer is late
      cv_.wait_for(lock, std::chrono::milliseconds(a.hang_ms), [this] { return stopping_; });
      break;
    case FakeSlackAnswer::kOk:
      break;
  }
  last_delivered_[pace_key] = call.received;
  if (response_url) return answer_with(200, "ok", true);
  std::string ts = "1700000000." + std::to_string(100000 + next_ts_++);
  answer_with(200, nlohmann::json({{"ok", true}, {"channel", call.channel}, {"ts", ts}}).dump(), true);
}

void FakeSlack::AddUser(const std::string& id, const std::string& handle, const std::string& locale,
                        const std::string& tz) {
  std::lock_guard lock(mu_);
  users_[id] = {{"id", id}, {"name", handle}, {"real_name", handle}, {"locale", locale}, {"tz", tz}};
}

int FakeSlack::users_info_calls() const {
  std::lock_guard lock(mu_);
  return users_info_calls_;
}

void FakeSlack::UsersInfo(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mu_);
  ++users_info_calls_;
  nlohmann::json answer;
  if (!options_.token.empty() && req.get_header_value("Authorization") != "Bearer " + options_.token) {
    answer = {{"ok", false}, {"error", "invalid_auth"}};
  } else if (req.get_param_value("include_locale") != "true") {
    answer = {{"ok", false}, {"error", "opsbot_test_expects_include_locale"}};
  } else if (auto it = users_.find(req.get_param_value("user")); it != users_.end()) {
    answer = {{"ok", true}, {"user", it->second}};
  } else {
    answer = {{"ok", false}, {"error", "user_not_found"}};
  }
  res.set_content(answer.dump(), "application/json");
}

}  // namespace opsbot::testing
