#include "bench/load_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>

#include "bot/text.h"

namespace opsbot::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One connection's state: the request being written, the response being read.
struct Conn {
  int fd = -1;
  int index = 0;  // the connection's number, for RequestMaker
  long seq = 0;   // requests made on it so far
  std::string out;
  std::size_t written = 0;
  std::string in;
  Clock::time_point start;
  bool want_out = false;  // epoll watches for writability too
  bool done = false;      // the time is up and nothing is in flight
};

int Connect(const addrinfo* addr) {
  int fd = ::socket(addr->ai_family, addr->ai_socktype | SOCK_CLOEXEC, addr->ai_protocol);
  if (fd < 0) return -1;
  if (::connect(fd, addr->ai_addr, addr->ai_addrlen) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// A response read whole from `in`: its status, its body and whether the server closes the connection.
struct Response {
  int status = 0;
  std::string body;
  bool close = false;
  std::size_t size = 0;  // bytes of `in` it took
};

// A chunked body starting at `from`: 1 when whole (its data in `body`, `end` just past its last CRLF), 0 when
// more bytes are needed, -1 when malformed. Trailers are not supported (none of the servers here sends them).
int ParseChunked(const std::string& in, std::size_t from, std::string& body, std::size_t& end) {
  body.clear();
  for (std::size_t pos = from;;) {
    std::size_t eol = in.find("\r\n", pos);
    if (eol == std::string::npos) return in.size() - pos > 32 ? -1 : 0;
    char* stop = nullptr;
    unsigned long size = std::strtoul(in.c_str() + pos, &stop, 16);
    if (stop == in.c_str() + pos || (*stop != '\r' && *stop != ';') || size > (1UL << 30)) return -1;
    std::size_t data = eol + 2;
    if (in.size() < data + size + 2) return 0;
    if (in.compare(data + size, 2, "\r\n") != 0) return -1;
    if (size == 0) {
      end = data + 2;
      return 1;
    }
    body.append(in, data, size);
    pos = data + size + 2;
  }
}

// 1: a whole response is in `in`; 0: more bytes are needed; -1: `in` is no response this client can read.
// Its body is framed by Content-Length (what cpp-httplib sends) or chunked (what Node.js sends).
int ParseResponse(const std::string& in, Response& r) {
  auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return in.size() > 65536 ? -1 : 0;
  std::string_view head(in.data(), head_end);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return -1;
  r.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  long length = -1;
  bool chunked = false;
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    std::size_t next = head.find("\r\n", pos + 2);
    std::string_view line =
        head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = line.substr(0, colon);
      std::string value = TrimAscii(line.substr(colon + 1));
      if (EqualsIgnoreCase(name, "Content-Length")) length = std::atol(value.c_str());
      if (EqualsIgnoreCase(name, "Connection") && EqualsIgnoreCase(value, "close")) r.close = true;
      if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
        if (!EqualsIgnoreCase(value, "chunked")) return -1;
        chunked = true;
      }
    }
    pos = next;
  }
  if (chunked) return ParseChunked(in, head_end + 4, r.body, r.size);
  if (length < 0) return -1;
  std::size_t total = head_end + 4 + static_cast<std::size_t>(length);
  if (in.size() < total) return 0;
  r.body = in.substr(head_end + 4, static_cast<std::size_t>(length));
  r.size = total;
  return 1;
}

struct Shared {
  std::mutex mu;
  LoadResult result;
  void Error(std::string what) {
    std::lock_guard lock(mu);
    ++result.errors;
    if (result.first_errors.size() < 3) result.first_errors.push_back(std::move(what));
  }
};

void RunThread(const addrinfo* addr, std::vector<Conn>& conns, Clock::time_point end,
               const RequestMaker& make, Shared& shared) {
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  auto watch = [&](Conn& c, std::uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = &c;
    ::epoll_ctl(ep, op, c.fd, &ev);
  };
  // Writes what is left of c.out; watches for writability only while the socket's buffer is full.
  auto flush = [&](Conn& c) {
    while (c.written < c.out.size()) {
      ssize_t n =
          ::send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        c.written += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!c.want_out) watch(c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
        c.want_out = true;
        return true;
      } else {
        return false;
      }
    }
    if (c.want_out) watch(c, EPOLLIN, EPOLL_CTL_MOD);
    c.want_out = false;
    return true;
  };
  // A connection is retired when the time is up or it broke: closed (which also takes it out of epoll).
  auto retire = [&](Conn& c) {
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    c.done = true;
  };
  auto send_next = [&](Conn& c) {
    if (Clock::now() >= end) {
      retire(c);
      return;
    }
    c.out = make(c.index, c.seq++);
    c.written = 0;
    c.start = Clock::now();
    if (!flush(c)) {
      shared.Error("write failed: " + std::string(std::strerror(errno)));
      retire(c);
    }
  };
  auto reconnect = [&](Conn& c) {
    if (c.fd >= 0) ::close(c.fd);
    c.in.clear();
    c.want_out = false;
    c.fd = Connect(addr);
    if (c.fd < 0) {
      shared.Error("connect failed: " + std::string(std::strerror(errno)));
      retire(c);
      return;
    }
    watch(c, EPOLLIN, EPOLL_CTL_ADD);
    send_next(c);
  };
  for (auto& c : conns)
    reconnect(c);
  std::vector<epoll_event> events(conns.size());
  char buf[65536];
  auto give_up = end + std::chrono::seconds(10);
  while (std::any_of(conns.begin(), conns.end(), [](const Conn& c) { return !c.done; })) {
    if (Clock::now() > give_up) {
      for (auto& c : conns)
        if (!c.done) shared.Error("no answer 10 s after the end");
      break;
    }
    int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    // One time for every answer of this wake: they had all arrived by now, whatever order they are read in.
    auto now = Clock::now();
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[static_cast<std::size_t>(i)].data.ptr);
      if (c.done) continue;
      if (events[static_cast<std::size_t>(i)].events & EPOLLOUT) {
        if (!flush(c)) {
          shared.Error("write failed: " + std::string(std::strerror(errno)));
          reconnect(c);
          continue;
        }
      }
      if (!(events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      ssize_t got = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      if (got <= 0) {
        shared.Error(got == 0 ? "connection closed by the server"
                              : "read failed: " + std::string(std::strerror(errno)));
        reconnect(c);
        continue;
      }
      c.in.append(buf, static_cast<std::size_t>(got));
      Response r;
      int parsed = ParseResponse(c.in, r);
      if (parsed == 0) continue;
      if (parsed < 0) {
        shared.Error("unreadable response: " + c.in.substr(0, 200));
        reconnect(c);
        continue;
      }
      if (now < end) latencies.push_back(std::chrono::duration<double, std::milli>(now - c.start).count());
      if (r.status != 200) shared.Error(std::to_string(r.status) + " " + r.body.substr(0, 200));
      c.in.erase(0, r.size);
      if (r.close) {
        reconnect(c);
      } else {
        send_next(c);
      }
    }
  }
  for (auto& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  ::close(ep);
  std::lock_guard lock(shared.mu);
  shared.result.latencies_ms.insert(shared.result.latencies_ms.end(), latencies.begin(), latencies.end());
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

void PrintResult(LoadResult& result, int seconds) {
  for (const auto& e : result.first_errors)
    std::fprintf(stderr, "load: %s\n", e.c_str());
  std::size_t n = result.latencies_ms.size();
  double p50 = Percentile(result.latencies_ms, 50), p99 = Percentile(result.latencies_ms, 99);
  std::printf("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%zu errors=%ld\n",
              static_cast<double>(n) / seconds, p50, p99, n, result.errors);
}

}  // namespace

LoadTarget ParseLoadUrl(const std::string& url) {
  auto authority = url.find("://") == std::string::npos ? 0 : url.find("://") + 3;
  auto slash = url.find('/', authority);
  LoadTarget t;
  t.host_port = url.substr(authority, slash == std::string::npos ? std::string::npos : slash - authority);
  t.path = slash == std::string::npos ? "/" : url.substr(slash);
  auto colon = t.host_port.rfind(':');
  t.host = t.host_port.substr(0, colon);
  if (colon != std::string::npos) t.port = std::atoi(t.host_port.c_str() + colon + 1);
  return t;
}

std::string RawPost(const std::string& host, const std::string& path_and_query,
                    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                    const std::string& content_type) {
  std::string out = "POST " + path_and_query + " HTTP/1.1\r\nHost: " + host +
                    "\r\nConnection: keep-alive\r\nContent-Type: " + content_type +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers)
    out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

LoadResult RunLoad(const std::string& host, int port, int seconds, int connections, int threads,
                   const RequestMaker& make) {
  addrinfo hints{}, *addr = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addr) != 0 || addr == nullptr) {
    LoadResult failed;
    failed.errors = 1;
    failed.first_errors.push_back("cannot resolve " + host);
    return failed;
  }
  threads = std::max(1, std::min(threads, connections));
  std::vector<std::vector<Conn>> shares(static_cast<std::size_t>(threads));
  for (int c = 0; c < connections; ++c) {
    Conn conn;
    conn.index = c;
    shares[static_cast<std::size_t>(c % threads)].push_back(std::move(conn));
  }
  Shared shared;
  auto end = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> running;
  for (auto& share : shares)
    running.emplace_back([&, addr] { RunThread(addr, share, end, make, shared); });
  for (auto& t : running)
    t.join();
  ::freeaddrinfo(addr);
  return std::move(shared.result);
}

int RunLoadAndPrint(const LoadTarget& target, int seconds, int connections, const RequestMaker& make) {
  LoadResult result = RunLoad(target.host, target.port, seconds, connections, 2, make);
  PrintResult(result, seconds);
  return result.errors == 0 ? 0 : 1;
}

}  // namespace opsbot::bench
