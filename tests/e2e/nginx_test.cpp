// End-to-end: Debian's nginx running the shipped deploy/nginx/opsbot.conf (ports, upstream address and
// certificate paths substituted, nothing else changed) over TLS in front of the real opsbot binary.
// Skipped where nginx is not installed (scripts/bootstrap installs it).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/opsbot_env.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kNginx = "/usr/sbin/nginx";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// Replaces every `from` in `s`; returns how many there were.
int ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  int n = 0;
  for (std::size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size()), ++n)
    s->replace(at, from.size(), to);
  return n;
}

// A port free on 127.0.0.1 right now (the kernel's pick, released again for nginx to bind).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool Accepting(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// The shipped server configuration with test ports, upstream and certificate; fails the test if the shipped
// file no longer has one of the lines substituted here.
std::string ShippedServerConfig(int upstream_port, int https_port, int http_port, const std::string& cert,
                                const std::string& key) {
  std::string conf = ReadFile(std::string(OPSBOT_SOURCE_DIR) + "/deploy/nginx/opsbot.conf");
  std::string out;
  std::istringstream lines(conf);
  for (std::string line; std::getline(lines, line);)
    if (line.find("listen [::]:") == std::string::npos) out += line + "\n";  // no IPv6 needed (or present)
  struct Sub {
    std::string from, to;
  };
  const Sub subs[] = {
      {"server 127.0.0.1:8080;", "server 127.0.0.1:" + std::to_string(upstream_port) + ";"},
      {"listen 443 ssl http2;", "listen 127.0.0.1:" + std::to_string(https_port) + " ssl http2;"},
      {"listen 80;", "listen 127.0.0.1:" + std::to_string(http_port) + ";"},
      {"/etc/ssl/opsbot/fullchain.pem;", cert + ";"},
      {"/etc/ssl/opsbot/privkey.pem;", key + ";"},
  };
  for (const auto& s : subs)
    EXPECT_EQ(ReplaceAll(&out, s.from, s.to), 1) << "deploy/nginx/opsbot.conf: " << s.from;
  return out;
}

// nginx with the shipped configuration in a temp dir, on free ports; stopped on destruction.
class Nginx {
 public:
  // Returns an error message, empty on success.
  std::string Start(int upstream_port) {
    cert_ = dir_.File("cert.pem");
    std::string key = dir_.File("key.pem");
    std::string out, err;
    int rc = RunToEnd({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                       "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                       "-keyout", key, "-out", cert_},
                      "", &out, &err);
    if (rc != 0) return "openssl req failed: " + err;

    // A port picked free may be taken by the time nginx binds it (tests run in parallel): pick again.
    for (int attempt = 0;; ++attempt) {
      std::string error = Launch(upstream_port, key);
      if (error.empty() || attempt == 2 || error.find("Address already in use") == std::string::npos)
        return error;
    }
  }

  ~Nginx() { Stop(); }

  int https_port() const { return https_port_; }
  int http_port() const { return http_port_; }
  std::string ErrorLog() const { return ReadFile(dir_.File("error.log")); }

  // A client that verifies nginx's certificate (self-signed, for 127.0.0.1) like a chat platform would.
  std::unique_ptr<httplib::SSLClient> Client() const {
    auto cli = std::make_unique<httplib::SSLClient>("127.0.0.1", https_port_);
    cli->set_ca_cert_path(cert_.c_str());
    cli->enable_server_certificate_verification(true);
    cli->set_connection_timeout(5);
    cli->set_read_timeout(10);
    return cli;
  }

 private:
  std::string Launch(int upstream_port, const std::string& key) {
    Stop();
    std::remove(dir_.File("error.log").c_str());
    https_port_ = FreePort();
    http_port_ = FreePort();
    WriteFile(dir_.File("opsbot.conf"),
              ShippedServerConfig(upstream_port, https_port_, http_port_, cert_, key));
    const std::string& d = dir_.path();
    std::string main_conf;
    // As root nginx would switch its workers to "nobody", who cannot use this private temp dir.
    if (geteuid() == 0) main_conf += "user root;\n";
    main_conf += "daemon off;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
                 "/error.log notice;\nevents { worker_connections 256; }\nhttp {\n  access_log " + d +
                 "/access.log;\n  client_body_temp_path " + d + "/client_body;\n  proxy_temp_path " + d +
                 "/proxy;\n  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d +
                 "/uwsgi;\n  scgi_temp_path " + d + "/scgi;\n  include " + d + "/opsbot.conf;\n}\n";
    WriteFile(dir_.File("nginx.conf"), main_conf);

    // Through a shell so nginx's own output goes to a file: its workers never hold our pipes.
    std::string cmd = std::string("exec ") + kNginx + " -p " + d + "/ -c " + d + "/nginx.conf -e " + d +
                      "/error.log >" + d + "/nginx.out 2>&1";
    proc_ = std::make_unique<Subprocess>(std::vector<std::string>{"/bin/sh", "-c", cmd});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!(Accepting(https_port_) && Accepting(http_port_))) {
      std::string log = ErrorLog();
      if (log.find("[emerg]") != std::string::npos || std::chrono::steady_clock::now() > deadline) {
        Stop();
        return "nginx did not start:\n" + ReadFile(dir_.File("nginx.out")) + log;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  void Stop() {
    if (!proc_) return;
    proc_->Signal(SIGTERM);  // fast shutdown: the master stops its workers, then exits
    proc_->Wait(10000);      // SIGKILL after that
    proc_.reset();
  }

  TempDir dir_;
  std::unique_ptr<Subprocess> proc_;
  std::string cert_;
  int https_port_ = -1, http_port_ = -1;
};

// `opsbot serve` on a free port with the demo config; stopped (SIGTERM) on destruction.
class Opsbot {
 public:
  Opsbot() {
    std::string yaml = ExampleConfig();
    ReplaceAll(&yaml, "token_file: ./data/api-token", "token_file: " + env_.File("data/api-token"));
    env_.WriteConfig(yaml);
    proc_ = std::make_unique<Subprocess>(env_.Argv({"serve", "--listen", "127.0.0.1:0"}));
    const std::string marker = "opsbot serving on http://127.0.0.1:";
    std::string err = proc_->ReadStderrUntil(" (health: ", 20000);  // what follows the port on that line
    auto at = err.find(marker);
    if (at != std::string::npos) port_ = std::atoi(err.c_str() + at + marker.size());
    token_ = ReadFile(env_.File("data/api-token"));
    while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r'))
      token_.pop_back();
  }
  ~Opsbot() {
    proc_->Signal(SIGTERM);
    proc_->Wait(15000);
  }
  int port() const { return port_; }
  const std::string& token() const { return token_; }
  std::string log() const { return proc_->err(); }

 private:
  OpsbotEnv env_;
  std::unique_ptr<Subprocess> proc_;
  int port_ = 0;
  std::string token_;
};

bool NginxInstalled() {
  return access(kNginx, X_OK) == 0;
}

constexpr const char* kNoNginx =
    "nginx not installed (scripts/bootstrap installs it): /usr/sbin/nginx is not executable";

std::string Message(const std::string& text) {
  return nlohmann::json{{"user", "alice"}, {"chat", "ops-room"}, {"text", text}}.dump();
}

TEST(NginxE2E, TicketThroughShippedConfigOverTls) {
  if (!NginxInstalled()) GTEST_SKIP() << kNoNginx;
  Opsbot opsbot;
  ASSERT_GT(opsbot.port(), 0) << opsbot.log();
  ASSERT_GE(opsbot.token().size(), 16u);
  Nginx nginx;
  std::string error = nginx.Start(opsbot.port());
  ASSERT_EQ(error, "");

  auto cli = nginx.Client();
  httplib::Headers auth = {{"Authorization", "Bearer " + opsbot.token()}};

  // A ticket through nginx, and read back.
  auto res =
      cli->Post("/api/v1/messages", auth, Message("ticket new Disk full on db-3 p1"), "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error()) << "\n" << nginx.ErrorLog();
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_THAT(nlohmann::json::parse(res->body).value("reply", ""),
              HasSubstr("Created T-1 [P1]: Disk full on db-3"));
  res = cli->Get("/api/v1/tickets/T-1", auth);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_THAT(res->body, HasSubstr("Disk full on db-3"));
  res = cli->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;

  // opsbot's own answers pass through unchanged: a bad token is its JSON 401.
  res = cli->Post("/api/v1/messages", {{"Authorization", "Bearer wrong-token-wrong-token"}},
                  Message("ticket list"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_THAT(res->body, HasSubstr("unauthorized"));

  // /metrics is not public: 404 from nginx, while opsbot still serves it on loopback.
  res = cli->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  httplib::Client direct("127.0.0.1", opsbot.port());
  auto metrics = direct.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body, HasSubstr("opsbot_http_requests_total"));

  // A body over nginx's 1 MiB is refused by nginx itself; opsbot never sees it.
  res = cli->Post("/api/v1/messages", auth, std::string(2 * 1024 * 1024, 'x'), "application/json");
  if (res) {  // nginx may answer 413 and close before the client has sent everything
    EXPECT_EQ(res->status, 413);
    EXPECT_THAT(res->body, HasSubstr("nginx"));
  }
  EXPECT_THAT(nginx.ErrorLog(), HasSubstr("client intended to send too large body"));
  metrics = direct.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, Not(HasSubstr("status=\"413\"")));
  // Under nginx's cap but over the route's 16 KiB: opsbot's own JSON 413.
  std::string big = Message("ticket new " + std::string(20 * 1024, 'y'));
  res = cli->Post("/api/v1/messages", auth, big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_THAT(res->body, StartsWith("{"));

  // Client headers named like cpp-httplib's internal ones change nothing (CVE-2025-66570).
  httplib::Headers shadow = auth;
  shadow.emplace("REMOTE_ADDR", "1.2.3.4");
  shadow.emplace("LOCAL_ADDR", "1.2.3.4");
  shadow.emplace("X-Forwarded-For", "6.6.6.6");
  res = cli->Post("/api/v1/messages", shadow, Message("ticket show T-1"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_THAT(res->body, HasSubstr("Disk full on db-3"));

  // Plain HTTP only redirects to HTTPS.
  httplib::Client plain("127.0.0.1", nginx.http_port());
  res = plain.Get("/api/v1/tickets/T-1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 301);
  EXPECT_THAT(res->get_header_value("Location"), StartsWith("https://127.0.0.1/api/v1/tickets/T-1"));
}

// What the upstream receives, seen by a stand-in upstream that echoes its request headers.
TEST(NginxE2E, UpstreamGetsNginxsHeadersNotTheClients) {
  if (!NginxInstalled()) GTEST_SKIP() << kNoNginx;
  httplib::Server echo;
  echo.Get("/echo", [](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : req.headers)
      headers.push_back({name, value});
    res.set_content(headers.dump(), "application/json");
  });
  int echo_port = echo.bind_to_any_port("127.0.0.1");
  ASSERT_GT(echo_port, 0);
  std::thread echo_thread([&echo] { echo.listen_after_bind(); });
  struct StopEcho {
    httplib::Server& server;
    std::thread& thread;
    ~StopEcho() {
      server.stop();
      thread.join();
    }
  } stop_echo{echo, echo_thread};

  Nginx nginx;
  std::string error = nginx.Start(echo_port);
  ASSERT_EQ(error, "");
  auto cli = nginx.Client();
  auto res = cli->Get("/echo", {{"X-Forwarded-For", "6.6.6.6"},
                                {"X-Forwarded-Proto", "http"},
                                {"Forwarded", "for=6.6.6.6"},
                                {"REMOTE_ADDR", "1.2.3.4"},
                                {"Remote_Port", "1"},
                                {"LOCAL_ADDR", "1.2.3.4"},
                                {"LOCAL_PORT", "1"}});
  ASSERT_TRUE(res) << httplib::to_string(res.error()) << "\n" << nginx.ErrorLog();
  ASSERT_EQ(res->status, 200) << res->body;
  std::multimap<std::string, std::string> seen;
  for (const auto& h : nlohmann::json::parse(res->body)) {
    std::string name = h[0];
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    seen.emplace(name, h[1]);
  }
  auto values = [&seen](const std::string& name) {
    std::vector<std::string> out;
    for (auto [it, end] = seen.equal_range(name); it != end; ++it)
      out.push_back(it->second);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(values("x-forwarded-for"), V{"127.0.0.1"}) << res->body;
  EXPECT_EQ(values("x-real-ip"), V{"127.0.0.1"});
  EXPECT_EQ(values("x-forwarded-proto"), V{"https"});
  EXPECT_EQ(values("host"), V{"127.0.0.1"});
  EXPECT_EQ(values("forwarded"), V{});
  EXPECT_EQ(values("connection"), V{});  // upstream keep-alive: no "close" passed on
  // Only the library's own values, one each: nothing from the client shadows them.
  EXPECT_EQ(values("remote_addr"), V{"127.0.0.1"}) << res->body;
  EXPECT_EQ(values("local_addr"), V{"127.0.0.1"});
  EXPECT_EQ(values("local_port"), V{std::to_string(echo_port)});
  EXPECT_EQ(values("remote_port").size(), 1u);
  EXPECT_NE(values("remote_port"), V{"1"});
}

}  // namespace
}  // namespace opsbot::testing
