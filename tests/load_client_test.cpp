// The benchmarks' load client against a real cpp-httplib server: what it counts is what the server saw.
#include "bench/load_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace opsbot::bench {
namespace {

// A server on a free port that answers POST /echo with the request's X-Seq header, 200 or (for ?fail) 503,
// its body framed by Content-Length or (for ?chunked) chunked.
class EchoServer {
 public:
  EchoServer() {
    server_.Post("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      {
        std::lock_guard lock(mu_);
        seen_.insert(req.get_header_value("X-Seq") + "|" + req.body);
      }
      res.status = req.has_param("fail") ? 503 : 200;
      std::string seq = req.get_header_value("X-Seq");
      if (!req.has_param("chunked")) return res.set_content("seq " + seq, "text/plain");
      // Transfer-Encoding: chunked, as Node.js answers: the body in two chunks.
      res.set_chunked_content_provider("text/plain", [seq](std::size_t, httplib::DataSink& sink) {
        sink.write("seq ", 4);
        sink.write(seq.data(), seq.size());
        sink.done();
        return true;
      });
    });
    server_.set_tcp_nodelay(true);  // a chunked answer is several writes: no Nagle wait between them
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~EchoServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  long requests() const { return requests_; }
  std::size_t distinct() {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<long> requests_{0};
  std::mutex mu_;
  std::set<std::string> seen_;
};

RequestMaker Maker(int port, const std::string& query) {
  return [port, query](int conn, long seq) {
    std::string id = std::to_string(conn) + "." + std::to_string(seq);
    return RawPost("127.0.0.1:" + std::to_string(port), "/echo" + query, {{"X-Seq", id}}, "body " + id,
                   "text/plain");
  };
}

TEST(LoadClient, KeepsEveryConnectionBusyAndCountsWhatTheServerAnswered) {
  EchoServer server;
  LoadResult r = RunLoad("127.0.0.1", server.port(), 1, 4, 2, Maker(server.port(), ""));
  EXPECT_EQ(r.errors, 0) << (r.first_errors.empty() ? "" : r.first_errors[0]);
  ASSERT_GT(r.latencies_ms.size(), 100u);
  // Requests in flight at the end are answered but not counted: at most one a connection.
  EXPECT_GE(server.requests(), static_cast<long>(r.latencies_ms.size()));
  EXPECT_LE(server.requests(), static_cast<long>(r.latencies_ms.size()) + 4);
  // Each request was made for its own connection and sequence number, headers and body intact.
  EXPECT_EQ(server.distinct(), static_cast<std::size_t>(server.requests()));
  for (double ms : r.latencies_ms)
    ASSERT_GE(ms, 0.0);
}

TEST(LoadClient, CountsNon200AnswersAsErrorsWithTheirBody) {
  EchoServer server;
  LoadResult r = RunLoad("127.0.0.1", server.port(), 1, 2, 2, Maker(server.port(), "?fail"));
  EXPECT_GE(r.errors, static_cast<long>(r.latencies_ms.size()));
  ASSERT_FALSE(r.first_errors.empty());
  EXPECT_EQ(r.first_errors[0].substr(0, 8), "503 seq ");
}

TEST(LoadClient, ReadsChunkedAnswers) {
  EchoServer server;
  LoadResult r = RunLoad("127.0.0.1", server.port(), 1, 2, 1, Maker(server.port(), "?chunked"));
  EXPECT_EQ(r.errors, 0) << (r.first_errors.empty() ? "" : r.first_errors[0]);
  ASSERT_GT(r.latencies_ms.size(), 100u);
  EXPECT_LE(server.requests(), static_cast<long>(r.latencies_ms.size()) + 2);
  // The body put back together from its chunks.
  LoadResult failed = RunLoad("127.0.0.1", server.port(), 1, 1, 1, Maker(server.port(), "?chunked&fail"));
  ASSERT_FALSE(failed.first_errors.empty());
  EXPECT_EQ(failed.first_errors[0].substr(0, 8), "503 seq ");
  EXPECT_GT(failed.first_errors[0].size(), 8u);
}

// A server on raw sockets, one connection at a time: reads a request (headers and Content-Length body), then
// answers 200 with `Connection: close` and closes (answer = true), or closes without a word (answer = false).
class ClosingServer {
 public:
  explicit ClosingServer(bool answer) : answer_(answer) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listen_fd_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ClosingServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  long connections() const { return connections_; }

 private:
  void Serve() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::string in;
      char buf[4096];
      for (;;) {
        auto head = in.find("\r\n\r\n");
        auto length = in.find("Content-Length: ");
        if (head != std::string::npos && length != std::string::npos &&
            in.size() >= head + 4 + std::stoul(in.substr(length + 16))) {
          break;
        }
        ssize_t got = ::recv(fd, buf, sizeof buf, 0);
        if (got <= 0) break;
        in.append(buf, static_cast<std::size_t>(got));
      }
      if (answer_) {
        std::string out = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      }
      ::close(fd);
    }
  }

  bool answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<long> connections_{0};
  std::thread thread_;
};

TEST(LoadClient, ReconnectsWhenTheServerClosesAfterAnAnswer) {
  ClosingServer server(/*answer=*/true);
  LoadResult r = RunLoad("127.0.0.1", server.port(), 1, 2, 1, Maker(server.port(), ""));
  EXPECT_EQ(r.errors, 0) << (r.first_errors.empty() ? "" : r.first_errors[0]);
  ASSERT_GT(r.latencies_ms.size(), 10u);
  // One connection a request: every answer said it closed.
  EXPECT_GE(server.connections(), static_cast<long>(r.latencies_ms.size()));
}

TEST(LoadClient, CountsAConnectionClosedWithoutAnAnswerAsAnError) {
  ClosingServer server(/*answer=*/false);
  LoadResult r = RunLoad("127.0.0.1", server.port(), 1, 2, 1, Maker(server.port(), ""));
  EXPECT_TRUE(r.latencies_ms.empty());
  EXPECT_GT(r.errors, 2);  // and it kept trying on a new connection
  ASSERT_FALSE(r.first_errors.empty());
  EXPECT_EQ(r.first_errors[0], "connection closed by the server");
}

TEST(LoadClient, ReportsAServerThatIsNotThere) {
  // A port bound but not listening, held until the end: every connect to it is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  LoadResult r = RunLoad("127.0.0.1", port, 1, 2, 2, Maker(port, ""));
  ::close(fd);
  EXPECT_EQ(r.errors, 2);
  ASSERT_FALSE(r.first_errors.empty());
  EXPECT_NE(r.first_errors[0].find("connect failed"), std::string::npos) << r.first_errors[0];
  EXPECT_TRUE(r.latencies_ms.empty());
}

TEST(LoadClient, ParsesTheUrlItLoads) {
  LoadTarget t = ParseLoadUrl("http://127.0.0.1:18391/dingtalk/callback?x=1");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 18391);
  EXPECT_EQ(t.host_port, "127.0.0.1:18391");
  EXPECT_EQ(t.path, "/dingtalk/callback?x=1");
  LoadTarget bare = ParseLoadUrl("http://localhost");
  EXPECT_EQ(bare.host, "localhost");
  EXPECT_EQ(bare.port, 80);
  EXPECT_EQ(bare.host_port, "localhost");
  EXPECT_EQ(bare.path, "/");
}

}  // namespace
}  // namespace opsbot::bench
