// End-to-end: the real `opsbot serve` under load: a burst of 1,000 simultaneous connections, and SIGTERM
// while requests are in flight.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/support/opsbot_server.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

TEST(HttpE2E, BurstOfAThousandConnectionsIsAnswered) {
  rlimit lim{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < 1100) GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << lim.rlim_max << " is under 1,100";

  OpsbotEnv env;
  env.WriteConfig(ServeConfig(env));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = ReadFirstLine(env.File("api-token"));
  const std::string body = R"({"user":"alice","chat":"ops-room","text":"help"})";
  const std::string post =
      "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

  constexpr int kConnections = 1000;
  auto start = Clock::now();
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    int fd = ConnectLoopback(server.port());
    ASSERT_GE(fd, 0) << "connect " << i << " failed: " << std::strerror(errno);
    fds.push_back(fd);
  }
  int send_failures = 0;
  for (int i = 0; i < kConnections; ++i)
    send_failures += SendAll(fds[i], i % 2 ? get : post) ? 0 : 1;
  // Read every response; the server closes each connection after its response.
  std::map<int, int> statuses;  // status → count
  int resets = 0, incomplete = 0;
  std::vector<std::string> bufs(kConnections);
  std::vector<bool> done(kConnections, false);
  int left = kConnections;
  auto deadline = start + std::chrono::seconds(10);
  while (left > 0 && Clock::now() < deadline) {
    std::vector<pollfd> p;
    std::vector<int> index;
    for (int i = 0; i < kConnections; ++i)
      if (!done[i]) {
        p.push_back({fds[i], POLLIN, 0});
        index.push_back(i);
      }
    if (poll(p.data(), p.size(), 100) <= 0) continue;
    for (std::size_t k = 0; k < p.size(); ++k) {
      if (!p[k].revents) continue;
      int i = index[k];
      char chunk[4096];
      ssize_t n = recv(fds[i], chunk, sizeof chunk, 0);
      if (n > 0) {
        bufs[i].append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0) ++resets;
      done[i] = true;
      --left;
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  for (int i = 0; i < kConnections; ++i) {
    close(fds[i]);
    const std::string& b = bufs[i];
    if (b.rfind("HTTP/1.1 ", 0) != 0) {
      ++incomplete;
      continue;
    }
    ++statuses[std::atoi(b.c_str() + 9)];
    bool ok = i % 2 ? b.find("\"status\":\"ok\"") != std::string::npos
                    : b.find("\"outcome\":\"ok\"") != std::string::npos;
    if (!ok) ++incomplete;
  }
  EXPECT_EQ(send_failures, 0);
  EXPECT_EQ(resets, 0);
  EXPECT_EQ(left, 0);
  EXPECT_EQ(incomplete, 0);
  EXPECT_EQ(statuses, (std::map<int, int>{{200, kConnections}}));
  EXPECT_LT(elapsed, 5.0) << "1,000 connections took " << elapsed << " s";
  RecordProperty("burst_seconds", std::to_string(elapsed));
  // Still serving.
  auto res = server.Client()->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(server.Stop(), 0) << server.process().err();
}

TEST(HttpE2E, SigtermFinishesInFlightRequestsAndKeepsEveryCreatedTicket) {
  OpsbotEnv env;
  env.WriteConfig(ServeConfig(env));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = ReadFirstLine(env.File("api-token"));

  std::mutex mu;
  std::map<std::int64_t, std::string> created;  // T-n → title, for every 200 "Created T-n"
  std::atomic<int> answered{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s) {
    senders.emplace_back([&, s] {
      auto client = server.Client();
      client->set_keep_alive(true);
      static const std::regex kCreated(R"(Created T-([0-9]+) )");
      for (int i = 0; !stop.load(); ++i) {
        std::string title = "inflight " + std::to_string(s) + "-" + std::to_string(i);
        nlohmann::json body = {
            {"user", "alice"}, {"chat", "ops-room"}, {"text", "ticket new " + title + " p3"}};
        auto res = client->Post("/api/v1/messages", {{"Authorization", "Bearer " + token}}, body.dump(),
                                "application/json");
        if (!res) {
          if (res.error() == httplib::Error::Connection) return;  // the server is gone
          continue;
        }
        std::smatch m;
        std::string reply = BodyJson(res).value("reply", "");
        if (res->status == 200 && std::regex_search(reply, m, kCreated)) {
          std::lock_guard lock(mu);
          created[std::stoll(m[1].str())] = title;
        }
        ++answered;
      }
    });
  }
  for (auto deadline = Clock::now() + std::chrono::seconds(5);
       answered.load() < 50 && Clock::now() < deadline;)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int before_sigterm = answered.load();
  auto start = Clock::now();
  int status = server.Stop(SIGTERM, 10000);
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  stop.store(true);
  for (auto& t : senders)
    t.join();
  ASSERT_GE(before_sigterm, 50) << "the senders were not under way before SIGTERM";
  EXPECT_EQ(status, 0) << server.process().err();
  EXPECT_LT(took, 5.0);
  EXPECT_THAT(server.process().err(), HasSubstr("opsbot stopped"));

  auto db = env.Db();
  std::lock_guard lock(mu);
  ASSERT_GE(created.size(), 50u);
  for (const auto& [id, title] : created) {
    SQLite::Statement st(*db, "SELECT title FROM tickets WHERE id = ?");
    st.bind(1, id);
    ASSERT_TRUE(st.executeStep()) << "T-" << id << " was acknowledged but is not in the database";
    EXPECT_EQ(st.getColumn(0).getString(), title);
  }
}

}  // namespace
}  // namespace opsbot::testing
