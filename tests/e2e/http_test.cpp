// End-to-end: the real `opsbot serve` on a free port, driven over HTTP: the ticket lifecycle and cursor
// paging, role caps per token, /metrics and /healthz with a SIGHUP reload, and `opsbot console` talking to a
// running server. Bad input is in http_bad_input_test.cpp; the burst and SIGTERM in http_load_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/opsbot_server.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr const char* kCiToken = "ci-token-0123456789abcdef";
constexpr const char* kBridgeToken = "bridge-token-0123456789abcdef";

nlohmann::json GetJson(const OpsbotServer& server, const std::string& token, const std::string& path,
                       int* status = nullptr) {
  auto res = server.Client()->Get(path, {{"Authorization", "Bearer " + token}});
  if (status) *status = res ? res->status : -1;
  return BodyJson(res);
}

// The reply text of a POST /api/v1/messages that must succeed.
std::string Said(const OpsbotServer& server, const std::string& token, const std::string& user,
                 const std::string& text) {
  auto res = server.Say(token, user, "ops-room", text);
  if (!res) return "no response: " + httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200) << text << ": " << res->body;
  return BodyJson(res).value("reply", std::string("(no reply) ") + res->body);
}

// The value of the metric line that starts with `series` ("name{labels}"), or -1.
double Metric(const std::string& text, const std::string& series) {
  std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(HttpE2E, TicketLifecycleAndCursorPaging) {
  OpsbotEnv env;
  env.WriteConfig(ServeConfig(env));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = ReadFirstLine(env.File("api-token"));
  ASSERT_GE(token.size(), 16u);

  EXPECT_THAT(Said(server, token, "alice", "ticket new Disk full on db-3 p1"), HasSubstr("Created T-1 [P1]"));
  int status = 0;
  auto list = GetJson(server, token, "/api/v1/tickets", &status);
  ASSERT_EQ(status, 200) << list;
  ASSERT_EQ(list["tickets"].size(), 1u) << list;
  EXPECT_EQ(list["tickets"][0]["id"], "T-1");
  EXPECT_EQ(list["tickets"][0]["state"], "open");
  EXPECT_EQ(list["tickets"][0]["reporter"], "alice");
  EXPECT_TRUE(list["next_cursor"].is_null());

  EXPECT_THAT(Said(server, token, "bob", "ticket ack T-1"), HasSubstr("T-1 acked by @bob."));
  EXPECT_THAT(Said(server, token, "bob", "ticket resolve T-1 freed /var/log"), HasSubstr("T-1 resolved."));
  EXPECT_THAT(Said(server, token, "bob", "ticket close T-1"), HasSubstr("T-1 closed."));

  auto t1 = GetJson(server, token, "/api/v1/tickets/T-1", &status);
  ASSERT_EQ(status, 200) << t1;
  EXPECT_EQ(t1["state"], "closed");
  EXPECT_EQ(t1["assignee"], "bob");
  ASSERT_EQ(t1["history"].size(), 4u) << t1;
  const std::vector<std::pair<std::string, std::string>> want = {
      {"ticket.new", "alice"}, {"ticket.ack", "bob"}, {"ticket.resolve", "bob"}, {"ticket.close", "bob"}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& h = t1["history"][i];
    EXPECT_EQ(h["action"], want[i].first) << h;
    EXPECT_EQ(h["actor"], want[i].second) << h;
    EXPECT_EQ(h["channel"], "api") << h;
    EXPECT_EQ(h["integration"], "local") << h;
  }
  // The same id forms reach the same ticket.
  EXPECT_EQ(GetJson(server, token, "/api/v1/tickets/1")["id"], "T-1");

  // 25 tickets in all; pages of 10 walk them once each.
  for (int i = 2; i <= 25; ++i)
    ASSERT_THAT(Said(server, token, "alice", "ticket new load " + std::to_string(i) + " p3"),
                HasSubstr("Created T-" + std::to_string(i) + " "));
  std::set<std::string> seen;
  std::vector<std::size_t> pages;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto body =
        GetJson(server, token,
                "/api/v1/tickets?filter=all&limit=10" + (cursor.empty() ? "" : "&cursor=" + cursor), &status);
    ASSERT_EQ(status, 200) << body;
    pages.push_back(body["tickets"].size());
    for (const auto& t : body["tickets"])
      EXPECT_TRUE(seen.insert(t["id"].get<std::string>()).second) << t["id"];
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"].is_string() ? body["next_cursor"].get<std::string>()
                                             : std::to_string(body["next_cursor"].get<std::int64_t>());
  }
  EXPECT_EQ(pages, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(seen.size(), 25u);
  // The default filter leaves out the closed T-1.
  auto open = GetJson(server, token, "/api/v1/tickets?limit=200");
  EXPECT_EQ(open["tickets"].size(), 24u);
  EXPECT_EQ(server.Stop(), 0) << server.process().err();
}

TEST(HttpE2E, TokenRoleCapsTheUserAndIsAudited) {
  OpsbotEnv env;
  std::string yaml = ServeConfig(env);
  const std::string tokens = "  tokens:\n";
  ASSERT_NE(yaml.find(tokens), std::string::npos);
  yaml.replace(yaml.find(tokens), tokens.size(),
               tokens + "    - name: bridge\n      token: " + kBridgeToken + "\n      role: member\n");
  env.WriteConfig(yaml);
  OpsbotServer server(env, {std::string("OPSBOT_API_TOKEN=") + kCiToken});
  ASSERT_TRUE(server.started()) << server.error();
  const std::string local = ReadFirstLine(env.File("api-token"));

  EXPECT_THAT(Said(server, local, "alice", "ticket new Disk full p1"), HasSubstr("Created T-1 "));
  EXPECT_THAT(Said(server, local, "alice", "ticket new Queue stuck p2"), HasSubstr("Created T-2 "));
  // ci (agent) speaking for alice (admin): capped to agent, enough to ack.
  EXPECT_THAT(Said(server, kCiToken, "alice", "ticket ack T-1"), HasSubstr("T-1 acked by @alice."));
  // bridge (member) speaking for bob (agent): capped to member, not enough.
  auto res = server.Say(kBridgeToken, "bob", "ops-room", "ticket ack T-2");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(BodyJson(res).value("reply", ""), HasSubstr("needs the agent role"));
  EXPECT_EQ(BodyJson(res).value("outcome", ""), "refused");
  // A member may still open a ticket; the audit names the integration.
  EXPECT_THAT(Said(server, kBridgeToken, "carol", "ticket new Printer on fire"), HasSubstr("Created T-3 "));

  auto t1 = GetJson(server, local, "/api/v1/tickets/T-1");
  ASSERT_EQ(t1["history"].size(), 2u) << t1;
  EXPECT_EQ(t1["history"][1]["action"], "ticket.ack");
  EXPECT_EQ(t1["history"][1]["actor"], "alice");
  EXPECT_EQ(t1["history"][1]["integration"], "ci");
  auto t2 = GetJson(server, local, "/api/v1/tickets/T-2");
  EXPECT_EQ(t2["state"], "open");
  EXPECT_EQ(t2["history"].size(), 1u) << t2;

  auto db = env.Db();
  SQLite::Statement st(
      *db,
      "SELECT entity_id, action, actor, channel, integration FROM audit WHERE entity = 'ticket' "
      "ORDER BY id");
  std::vector<std::string> rows;
  while (st.executeStep()) {
    rows.push_back("T-" + st.getColumn(0).getString() + " " + st.getColumn(1).getString() + " " +
                   st.getColumn(2).getString() + " " + st.getColumn(3).getString() + " " +
                   st.getColumn(4).getString());
  }
  EXPECT_EQ(rows,
            (std::vector<std::string>{"T-1 ticket.new alice api local", "T-2 ticket.new alice api local",
                                      "T-1 ticket.ack alice api ci", "T-3 ticket.new carol api bridge"}));
  EXPECT_EQ(server.Stop(), 0) << server.process().err();
}

TEST(HttpE2E, MetricsHealthAndReload) {
  OpsbotEnv env;
  env.WriteConfig(ServeConfig(env));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = ReadFirstLine(env.File("api-token"));

  auto health = server.Client()->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto h = BodyJson(health);
  EXPECT_EQ(h["status"], "ok") << h;
  EXPECT_EQ(h["config_generation"], 1) << h;

  Said(server, token, "alice", "ticket new Disk full p1");
  Said(server, token, "alice", "ticket new Queue stuck p2");
  Said(server, token, "bob", "ticket ack T-1");
  Said(server, token, "bob", "ticket list");
  auto bad = server.Client()->Post("/api/v1/messages", {{"Authorization", "Bearer " + token}}, "{",
                                   "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  // The access counter is bumped after the response is written: allow it a moment to catch up.
  std::string text;
  for (auto deadline = Clock::now() + std::chrono::seconds(2); Clock::now() < deadline;) {
    auto res = server.Client()->Get("/metrics");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("text/plain"));
    text = "\n" + res->body;
    if (Metric(text, R"(opsbot_http_requests_total{route="/api/v1/messages",status="200"})") >= 4 &&
        Metric(text, R"(opsbot_http_requests_total{route="/api/v1/messages",status="400"})") >= 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Metric(text, R"(opsbot_http_requests_total{route="/api/v1/messages",status="200"})"), 4) << text;
  EXPECT_EQ(Metric(text, R"(opsbot_http_requests_total{route="/api/v1/messages",status="400"})"), 1) << text;
  EXPECT_EQ(Metric(text, R"(opsbot_commands_total{command="ticket.new",outcome="ok"})"), 2) << text;
  EXPECT_EQ(Metric(text, R"(opsbot_commands_total{command="ticket.ack",outcome="ok"})"), 1) << text;
  EXPECT_EQ(Metric(text, R"(opsbot_commands_total{command="ticket.list",outcome="ok"})"), 1) << text;
  EXPECT_EQ(Metric(text, R"(opsbot_http_handler_seconds_count{route="/api/v1/messages"})"), 5) << text;
  EXPECT_EQ(Metric(text, R"(opsbot_http_handler_seconds_bucket{route="/api/v1/messages",le="+Inf"})"), 5)
      << text;
  EXPECT_GE(Metric(text, R"(opsbot_writer_batch_size_bucket{le="+Inf"})"), 1) << text;
  EXPECT_GE(Metric(text, "opsbot_writer_batch_size_sum"), 3)
      << text;  // the two tickets and the ack, at least
  EXPECT_GE(Metric(text, "opsbot_writer_commit_seconds_count"), 1) << text;
  EXPECT_THAT(text, HasSubstr("# TYPE opsbot_writer_commit_seconds histogram"));
  EXPECT_THAT(text, HasSubstr("# TYPE opsbot_http_handler_seconds histogram"));
  EXPECT_EQ(Metric(text, "opsbot_store_errors_total"), 0) << text;

  // SIGHUP with a changed config: generation 2.
  std::string yaml = ServeConfig(env);
  const std::string p4 = "p4: {ack: 1d, resolve: 14d}";
  ASSERT_NE(yaml.find(p4), std::string::npos);
  yaml.replace(yaml.find(p4), p4.size(), "p4: {ack: 2d, resolve: 14d}");
  env.WriteConfig(yaml);
  server.process().Signal(SIGHUP);
  nlohmann::json after;
  for (auto deadline = Clock::now() + std::chrono::seconds(5); Clock::now() < deadline;) {
    after = BodyJson(server.Client()->Get("/healthz"));
    if (after.value("config_generation", 0) == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(after["config_generation"], 2) << after;
  EXPECT_EQ(after["status"], "ok") << after;
  // The local token still works after the reload.
  EXPECT_THAT(Said(server, token, "alice", "ticket new after reload p4"), HasSubstr("Created T-3 "));
  EXPECT_EQ(server.Stop(), 0) << server.process().err();
}

TEST(HttpE2E, ConsoleTalksToTheRunningServer) {
  OpsbotEnv env;
  env.WriteConfig(ServeConfig(env));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = ReadFirstLine(env.File("api-token"));
  EXPECT_THAT(Said(server, token, "alice", "ticket new Disk full on db-3 p1"), HasSubstr("Created T-1 "));

  std::string out, err;
  int status = RunToEnd(env.Argv({"console", "--user", "bob", "--chat", "ops-room"}),
                        "ticket list\nticket ack T-1\n", &out, &err);
  EXPECT_EQ(status, 0) << err;
  EXPECT_THAT(err, HasSubstr("the server at " + server.url() + " holds the database"));
  EXPECT_THAT(err, HasSubstr("talking to it as integration 'local'"));
  auto replies = SplitReplies(out);
  ASSERT_EQ(replies.size(), 2u) << out;
  EXPECT_THAT(replies[0], HasSubstr("T-1 [P1] open Disk full on db-3"));
  EXPECT_THAT(replies[1], HasSubstr("T-1 acked by @bob."));
  // The console's command went through the API, as bob.
  auto t1 = GetJson(server, token, "/api/v1/tickets/T-1");
  ASSERT_EQ(t1["history"].size(), 2u) << t1;
  EXPECT_EQ(t1["history"][1]["actor"], "bob");
  EXPECT_EQ(t1["history"][1]["channel"], "api");
  EXPECT_EQ(t1["history"][1]["integration"], "local");
  EXPECT_EQ(server.Stop(), 0) << server.process().err();
}

}  // namespace
}  // namespace opsbot::testing
