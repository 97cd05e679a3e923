#include "tests/support/opsbot_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

namespace opsbot::testing {

std::string WithTokenFile(std::string yaml, const std::string& path) {
  static const std::regex kLine(R"(\n(\s*)token_file:[^\n]*)");
  return std::regex_replace(yaml, kLine, "\n$1token_file: " + path, std::regex_constants::format_first_only);
}

std::string ServeConfig(const OpsbotEnv& env) {
  return WithTokenFile(ExampleConfig(), env.File("api-token"));
}

nlohmann::json BodyJson(const httplib::Result& res) {
  if (!res) return nlohmann::json();
  return nlohmann::json::parse(res->body, nullptr, false);
}

OpsbotServer::OpsbotServer(const OpsbotEnv& env, const std::vector<std::string>& env_vars)
    : process_(std::make_unique<Subprocess>(env.Argv({"serve", "--listen", "127.0.0.1:0"}), env_vars)) {
  // The whole line, up to the text that follows the URL, so the port is not cut short.
  std::string err = process_->ReadStderrUntil(" (health: ", 10000);
  static const std::regex kServing(R"(opsbot serving on http://127\.0\.0\.1:([0-9]+) \(health: )");
  std::smatch m;
  if (!std::regex_search(err, m, kServing)) {
    error_ = "the server did not log its address; stderr:\n" + err;
    return;
  }
  port_ = std::stoi(m[1].str());
  auto client = Client();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = client->Get("/healthz");
    if (res && res->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "/healthz did not answer 200 within 5 s; stderr:\n" + process_->ReadStderrUntil("\x01", 100);
}

std::unique_ptr<httplib::Client> OpsbotServer::Client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_connection_timeout(5);
  c->set_read_timeout(10);
  c->set_write_timeout(5);
  return c;
}

httplib::Result OpsbotServer::Say(const std::string& token, const std::string& user, const std::string& chat,
                                  const std::string& text) const {
  nlohmann::json body = {{"user", user}, {"chat", chat}, {"text", text}};
  return Client()->Post("/api/v1/messages", {{"Authorization", "Bearer " + token}}, body.dump(),
                        "application/json");
}

int OpsbotServer::Stop(int sig, int timeout_ms) {
  process_->Signal(sig);
  return process_->Wait(timeout_ms);
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawResponse::Header(const std::string& name) const {
  std::size_t start = head.find("\r\n");
  while (start != std::string::npos && start + 2 < head.size()) {
    std::size_t end = head.find("\r\n", start + 2);
    std::string line = head.substr(start + 2, (end == std::string::npos ? head.size() : end) - start - 2);
    std::size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
      std::size_t v = line.find_first_not_of(' ', colon + 1);
      return v == std::string::npos ? "" : line.substr(v);
    }
    start = end;
  }
  return "";
}

RawResponse ReadRawResponse(int fd, int timeout_ms, bool until_eof) {
  RawResponse r;
  std::string buf;
  std::size_t body_start = std::string::npos, length = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (body_start != std::string::npos && buf.size() >= body_start + length) {
      r.complete = true;
      if (!until_eof) break;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[16384];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      r.reset = true;
      break;
    }
    if (n == 0) {
      r.closed = true;
      break;
    }
    buf.append(chunk, static_cast<std::size_t>(n));
    if (body_start == std::string::npos) {
      std::size_t end = buf.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      body_start = end + 4;
      r.head = buf.substr(0, end);
      if (r.head.rfind("HTTP/1.", 0) == 0 && r.head.size() > 12) r.status = std::atoi(r.head.c_str() + 9);
      std::string cl = r.Header("Content-Length");
      length = cl.empty() ? 0 : std::stoul(cl);
    }
  }
  if (body_start != std::string::npos) r.body = buf.substr(body_start);
  return r;
}

RawResponse RawExchange(int port, const std::string& request, int timeout_ms) {
  RawResponse r;
  int fd = ConnectLoopback(port);
  if (fd < 0) {
    r.reset = true;
    return r;
  }
  if (SendAll(fd, request))
    r = ReadRawResponse(fd, timeout_ms);
  else
    r.reset = true;
  close(fd);
  return r;
}

}  // namespace opsbot::testing
