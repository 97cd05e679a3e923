// End-to-end: signed DingTalk callbacks into the real server; replies out through the outbox to a fake
// DingTalk (sessionWebhook and OpenAPI) started in the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <numeric>
#include <regex>
#include <thread>

#include "adapters/dingtalk/dingtalk_signature.h"
#include "bot/clock.h"
#include "tests/support/captures.h"
#include "tests/support/digests.h"
#include "tests/support/opsbot_server.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const char* kDingTalkKey = "dingappkey";
const char* kDingTalkSecret = "dingappsecret-for-tests";

// A fake of DingTalk's robot endpoints: sessionWebhooks (/robot/sendBySession), the OpenAPI token and the
// robot sends. Records every call; answers as a healthy DingTalk does — and, once LimitRobots is called, as
// DingTalk does to a custom robot sent to too fast.
class FakeDingTalk {
 public:
  struct Call {
    std::string path;
    std::string token;  // x-acs-dingtalk-access-token
    std::string robot;  // the access_token query parameter of a custom robot's send
    Json body;
    long long at_ms = 0;
    std::string answer;  // what the fake answered: "ok", an errcode, "http500" or "hang"
  };
  FakeDingTalk() {
    // A webhook (sessionWebhook or custom robot) answers from its script first: an errcode like "130101",
    // "http500", or "hang" (no answer for 6 s, past the sender's 5-s timeout, then ok).
    auto webhook = [this](const httplib::Request& req, httplib::Response& res) {
      std::string answer = Record(req);
      if (answer == "hang") std::this_thread::sleep_for(std::chrono::seconds(6));
      if (answer == "http500") {
        res.status = 500;
        res.set_content("oops", "text/plain");
      } else if (answer == "130101") {
        res.set_content(R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})",
                        "application/json");
      } else {
        std::string code = answer == "ok" || answer == "hang" ? "0" : answer;
        res.set_content(R"({"errcode":)" + code + R"(,"errmsg":"scripted"})", "application/json");
      }
    };
    server_.Post("/robot/sendBySession", webhook);
    server_.Post("/robot/send", webhook);
    server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server_.Post("/v1.0/oauth2/accessToken", [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      Json b = Json::parse(req.body, nullptr, false);
      if (b.value("appKey", "") != kDingTalkKey || b.value("appSecret", "") != kDingTalkSecret) {
        res.status = 400;
        res.set_content(R"({"code":"invalidClientIdOrSecret"})", "application/json");
        return;
      }
      res.set_content(R"({"accessToken":"tok-1","expireIn":7200})", "application/json");
    });
    auto send = [this](const httplib::Request& req, httplib::Response& res) {
      Record(req);
      if (req.get_header_value("x-acs-dingtalk-access-token") != "tok-1") {
        res.status = 401;
        res.set_content(R"({"code":"InvalidAuthentication"})", "application/json");
        return;
      }
      res.set_content(R"({"processQueryKey":"pqk"})", "application/json");
    };
    server_.Post("/v1.0/robot/groupMessages/send", send);
    server_.Post("/v1.0/robot/oToMessages/batchSend", send);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeDingTalk() {
    server_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // From now on a custom robot (/robot/send, by access_token) takes at most `count` requests in any
  // `window_ms`: one more is answered 130101 "send too fast" (and counts, as DingTalk counts it).
  void LimitRobots(int count, long window_ms) {
    std::lock_guard lock(mu_);
    limit_count_ = count;
    limit_window_ms_ = window_ms;
  }
  void Script(std::vector<std::string> answers) {
    std::lock_guard lock(mu_);
    script_.insert(script_.end(), answers.begin(), answers.end());
  }
  std::vector<Call> Calls(const std::string& path) {
    std::lock_guard lock(mu_);
    std::vector<Call> out;
    for (const Call& c : calls_)
      if (c.path == path) out.push_back(c);
    return out;
  }
  std::vector<Call> Sends() {
    std::lock_guard lock(mu_);
    std::vector<Call> out;
    for (const Call& c : calls_)
      if (c.path != "/v1.0/oauth2/accessToken") out.push_back(c);
    return out;
  }
  bool WaitForSends(std::size_t n, int seconds = 10) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(seconds), [&] {
      std::size_t sends = 0;
      for (const Call& c : calls_)
        sends += c.path != "/v1.0/oauth2/accessToken";
      return sends >= n;
    });
  }

 private:
  // Records the call; a custom robot past its limit is refused, else a webhook takes the next scripted
  // answer.
  std::string Record(const httplib::Request& req) {
    std::lock_guard lock(mu_);
    const long long now = SystemClock().NowMillis();
    const std::string robot = req.path == "/robot/send" ? req.get_param_value("access_token") : "";
    std::string answer = "ok";
    int recent = 0;
    for (const Call& c : calls_)
      recent += !robot.empty() && c.robot == robot && now - c.at_ms < limit_window_ms_;
    if (limit_count_ > 0 && !robot.empty() && recent >= limit_count_) {
      answer = "130101";
    } else if (req.path.rfind("/robot/", 0) == 0 && !script_.empty()) {
      answer = script_.front();
      script_.erase(script_.begin());
    }
    calls_.push_back({req.path, req.get_header_value("x-acs-dingtalk-access-token"), robot,
                      Json::parse(req.body, nullptr, false), now, answer});
    cv_.notify_all();
    return answer;
  }
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Call> calls_;
  std::vector<std::string> script_;
  int limit_count_ = 0;  // 0: no limit
  long limit_window_ms_ = 0;
};

// The demo config's dingtalk section with its secrets filled in (the ops-cn group's custom robot too), its
// URLs pointed at the fake, the given pace, and a 1-s wait after "send too fast".
std::string DingTalkConfig(const OpsbotEnv& env, const FakeDingTalk& fake, int pace_ms = 1) {
  std::string yaml = ServeConfig(env);
  for (auto [from, to] :
       {std::pair<std::string, std::string>{R"(\$\{OPSBOT_DINGTALK_APP_KEY\})", kDingTalkKey},
        {R"(\$\{OPSBOT_DINGTALK_APP_SECRET\})", kDingTalkSecret},
        {R"(\$\{OPSBOT_DINGTALK_ROBOT_OPS_CN\})", "robot-token"},
        {R"(\$\{OPSBOT_DINGTALK_ROBOT_OPS_CN_SECRET\})", "SECrobot"},
        {"api_base: https://api.dingtalk.com", "api_base: " + fake.base() + "\n  oapi_base: " + fake.base() +
                                                   "\n  pace_ms: " + std::to_string(pace_ms)},
        {R"(session_webhook_hosts: \[oapi\.dingtalk\.com\])", "session_webhook_hosts: [127.0.0.1]"}}) {
    std::string next = std::regex_replace(yaml, std::regex(from), to);
    EXPECT_NE(next, yaml) << "the demo config no longer has " << from;
    yaml = next;
  }
  return yaml + "\noutbox:\n  rate_limit_wait: 1s\n";
}

Json Callback(const std::string& msg_id, const std::string& text, bool group, const FakeDingTalk& fake,
              long long webhook_expires) {
  Json j = {{"msgtype", "text"},
            {"text", {{"content", " " + text}}},
            {"msgId", msg_id},
            {"conversationType", group ? "2" : "1"},
            {"conversationId", group ? "cidFAKEopsCn000000000000==" : "cidDirect=="},
            {"senderNick", "张伟"},
            {"senderStaffId", "fake-staff-zhangwei"},
            {"chatbotUserId", "$:LWCP_v1:$bot"},
            {"robotCode", kDingTalkKey},
            {"sessionWebhook", fake.base() + "/robot/sendBySession?session=s1"},
            {"sessionWebhookExpiredTime", webhook_expires}};
  return j;
}

httplib::Result PostDingTalkSigned(const OpsbotServer& server, const std::string& body, const std::string& ts,
                                   const std::string& secret = kDingTalkSecret) {
  httplib::Headers h = {{"timestamp", ts}, {"sign", DingTalkSign(secret, ts)}};
  return server.Client()->Post("/dingtalk/callback", h, body, "application/json; charset=utf-8");
}

TEST(DingTalkE2E, AGroupMessageInChineseCreatesATicketAndTheReplyPingsThroughTheSessionWebhook) {
  FakeDingTalk fake;
  OpsbotEnv env;
  env.WriteConfig(DingTalkConfig(env, fake));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();

  auto r = PostDingTalkSigned(
      server, Callback("m1", "建单 磁盘满 p1 @张伟", true, fake, SystemClock().NowMillis() + 3600000).dump(),
      std::to_string(SystemClock().NowMillis()));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake.WaitForSends(1));
  auto sends = fake.Sends();
  EXPECT_EQ(sends[0].path, "/robot/sendBySession");
  std::string text = sends[0].body["markdown"]["text"];
  EXPECT_THAT(text, HasSubstr("已创建工单 T-1 [P1]：磁盘满"));
  EXPECT_THAT(text, HasSubstr("@fake-staff-zhangwei"));  // the ping: in the text and in at.atUserIds
  EXPECT_EQ(sends[0].body["at"]["atUserIds"], Json::array({"fake-staff-zhangwei"}));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE "
                      "p.key = 'zhangwei'"),
            1);
}

TEST(DingTalkE2E, ADirectMessageWithAnExpiredSessionWebhookIsAnsweredThroughTheOpenApi) {
  FakeDingTalk fake;
  OpsbotEnv env;
  env.WriteConfig(DingTalkConfig(env, fake));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  auto r = PostDingTalkSigned(
      server, Callback("m2", "ticket new VPN down", false, fake, SystemClock().NowMillis() - 1000).dump(),
      std::to_string(SystemClock().NowMillis()));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake.WaitForSends(1));
  auto sends = fake.Sends();
  EXPECT_EQ(sends[0].path, "/v1.0/robot/oToMessages/batchSend");
  EXPECT_EQ(sends[0].token, "tok-1");
  EXPECT_EQ(sends[0].body["robotCode"], kDingTalkKey);
  EXPECT_EQ(sends[0].body["userIds"], Json::array({"fake-staff-zhangwei"}));
  Json param = Json::parse(sends[0].body["msgParam"].get<std::string>());
  EXPECT_THAT(param["text"].get<std::string>(), HasSubstr("T-1"));
  EXPECT_EQ(server.Stop(), 0);
}

TEST(DingTalkE2E, ForgedStaleReusedAndForeignCallbacksAreRefusedAndARedeliveryIsDropped) {
  FakeDingTalk fake;
  OpsbotEnv env;
  env.WriteConfig(DingTalkConfig(env, fake));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  const std::string ts = std::to_string(SystemClock().NowMillis());
  std::string first =
      Callback("m3", "ticket new first", true, fake, SystemClock().NowMillis() + 3600000).dump();

  auto r = PostDingTalkSigned(server, first, ts, "another-secret");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);  // wrong secret
  r = PostDingTalkSigned(server, first, std::to_string(SystemClock().NowMillis() - 2 * 3600 * 1000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);  // stale
  r = server.Client()->Post("/dingtalk/callback", first, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);  // no headers
  Json foreign = Json::parse(first);
  foreign["robotCode"] = "someone-else";
  r = PostDingTalkSigned(server, foreign.dump(), std::to_string(SystemClock().NowMillis()));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);  // another app's robot

  r = PostDingTalkSigned(server, first, ts);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The same header pair again: with the same msgId a redelivery (dropped), with another body refused.
  r = PostDingTalkSigned(server, first, ts);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = PostDingTalkSigned(
      server, Callback("m4", "ticket new smuggled", true, fake, SystemClock().NowMillis() + 3600000).dump(),
      ts);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  // A redelivery under a fresh signature is dropped too.
  r = PostDingTalkSigned(server, first, std::to_string(SystemClock().NowMillis() + 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = PostDingTalkSigned(server, "{not json", std::to_string(SystemClock().NowMillis() + 2));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);

  ASSERT_TRUE(fake.WaitForSends(1));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 1);
  EXPECT_EQ(fake.Sends().size(), 1u);
}

TEST(DingTalkE2E, SendTooFastErrorsAndAHangStillDeliverEveryPingInOrderAtThePaceThroughTheCustomRobot) {
  FakeDingTalk fake;
  OpsbotEnv env;
  constexpr int kPaceMs = 200;
  env.WriteConfig(DingTalkConfig(env, fake, kPaceMs));
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();
  // The robot answers: too fast (130101), a 5xx, then hangs past the timeout; then it is healthy.
  fake.Script({"130101", "http500", "hang"});
  const int n = 4;
  for (int i = 1; i <= n; ++i) {
    // sessionWebhooks already expired, and each ticket is auto-assigned (a ping): the custom robot carries
    // it.
    auto r = PostDingTalkSigned(server,
                                Callback("p" + std::to_string(i), "ticket new order-" + std::to_string(i),
                                         true, fake, SystemClock().NowMillis() - 1)
                                    .dump(),
                                std::to_string(SystemClock().NowMillis() + i));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // What the robot took (answered ok): every ping once, in order — several may share one digest. A request
  // the fake hung on may have been taken too: only its messages may arrive twice.
  auto taken = [&](const char* answer) {
    std::vector<std::string> texts;
    for (const FakeDingTalk::Call& c : fake.Calls("/robot/send"))
      if (c.answer == answer) texts.push_back(c.body["markdown"]["text"].get<std::string>());
    return Captures(texts, "order-(\\d)");
  };
  for (int i = 0; i < 400 && taken("ok").size() < static_cast<std::size_t>(n); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * kPaceMs));  // nothing more may come
  EXPECT_EQ(taken("ok"), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_FALSE(taken("hang").empty());
  auto calls = fake.Calls("/robot/send");
  EXPECT_LE(calls.size(), static_cast<std::size_t>(n + 3));  // one try per failure, no more
  for (std::size_t i = 1; i < calls.size(); ++i)
    EXPECT_GE(calls[i].at_ms - calls[i - 1].at_ms, kPaceMs - 5) << "request " << i << " came too soon";
  EXPECT_GE(calls[1].at_ms - calls[0].at_ms, 1000);  // after 130101: the rate-limit wait, not the pace
  EXPECT_EQ(server.Stop(), 0);
}

TEST(DingTalkE2E,
     AStormOf500PingsNeverTripsTheCustomRobotsLimitAndDigestsCarryEveryNoticeInOrderWithItsPing) {
  constexpr int kCount = 20;
  constexpr long kWindowMs = 6000;
  FakeDingTalk fake;
  fake.LimitRobots(kCount, kWindowMs);
  {  // The fake enforces the limit: the 21st send of a robot within the window is refused.
    httplib::Client probe(fake.base());
    std::vector<int> codes;
    for (int i = 0; i <= kCount; ++i) {
      auto r = probe.Post("/robot/send?access_token=probe", "{}", "application/json");
      ASSERT_TRUE(r);
      codes.push_back(Json::parse(r->body).value("errcode", -1));
    }
    EXPECT_EQ(std::count(codes.begin(), codes.end(), 0), kCount);
    EXPECT_EQ(codes.back(), 130101);
  }
  OpsbotEnv env;
  // The same limit in opsbot's config as in the fake; and bob gets a DingTalk account, so that each of the
  // ops-cn group's round-robin assignees (alice, bob, zhangwei) can be pinged.
  std::string yaml =
      std::regex_replace(DingTalkConfig(env, fake) + "  limits:\n    dingtalk_robot: \"20 per 6s\"\n",
                         std::regex("\n    wecom: fake\\.bob\\.li\n"),
                         "\n    wecom: fake.bob.li\n    dingtalk: {staff_id: fake-staff-bob}\n");
  ASSERT_THAT(yaml, HasSubstr("fake-staff-bob"));
  env.WriteConfig(yaml);
  OpsbotServer server(env);
  ASSERT_TRUE(server.started()) << server.error();

  // 500 group messages: 250 at once, then 25 a second (seven times the robot's limit) for 10 s, long
  // enough for the budget to run at its limit over more than one window (posted all at once, the storm goes
  // out in a few digests that never come near the limit). Each sessionWebhook has already expired and each
  // ticket is auto-assigned (a ping), so the custom robot carries every reply.
  constexpr int n = 500, kAtOnce = 250, kPerSecond = 25;
  const long long base = SystemClock().NowMillis();
  const auto start = std::chrono::steady_clock::now();
  int failed = 0;
  for (int i = 1; i <= n; ++i) {
    const auto due = start + std::chrono::milliseconds(1000 * std::max(0, i - kAtOnce) / kPerSecond);
    for (auto now = std::chrono::steady_clock::now(); now < due; now = std::chrono::steady_clock::now())
      server.ReadLog(
          static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count()));
    const std::string id = "storm-" + std::to_string(i);
    auto r = PostDingTalkSigned(server, Callback(id, "ticket new " + id, true, fake, base - 1000).dump(),
                                std::to_string(base + i));
    failed += !r || r->status != 200;
  }
  const double posted_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failed, 0);

  auto delivered = [&] { return env.Count("SELECT count(*) FROM outbox WHERE state = 'delivered'"); };
  for (int i = 0; i < 300 && delivered() < n; ++i)
    server.ReadLog(100);
  const double delivered_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), n);
  EXPECT_EQ(env.Count("SELECT count(*) FROM outbox"), n);
  EXPECT_EQ(env.Count("SELECT count(*) FROM outbox WHERE state = 'delivered'"), n);
  ASSERT_EQ(env.Count("SELECT count(DISTINCT destination) FROM outbox"), 1);

  // The fake's view: never over the limit, never "too fast".
  std::vector<FakeDingTalk::Call> calls;
  std::map<std::string, std::vector<long long>> times;
  for (const FakeDingTalk::Call& c : fake.Calls("/robot/send")) {
    if (c.robot == "probe") continue;
    calls.push_back(c);
    times[c.robot].push_back(c.at_ms);
  }
  EXPECT_THAT(fake.Calls("/robot/sendBySession"), ::testing::IsEmpty());
  EXPECT_THAT(fake.Calls("/v1.0/robot/groupMessages/send"), ::testing::IsEmpty());  // it cannot @ anyone
  EXPECT_EQ(times.size(), 1u);
  int most = 0;
  for (const auto& [robot, ts] : times) {
    most = std::max(most, MaxInWindow(ts, kWindowMs));
    EXPECT_LE(MaxInWindow(ts, kWindowMs), kCount) << "robot " << robot;
  }
  std::map<std::string, int> answers;
  for (const FakeDingTalk::Call& c : calls)
    ++answers[c.answer];
  EXPECT_EQ(answers, (std::map<std::string, int>{{"ok", static_cast<int>(calls.size())}}));

  // Each robot message is one delivered head, in order; together they carry every notice, in order.
  std::string destination = env.Db()->execAndGet("SELECT destination FROM outbox LIMIT 1").getString();
  std::vector<SentHead> heads = DeliveredHeads(env, destination);
  ASSERT_EQ(calls.size(), heads.size());
  std::map<long, std::string> staff_of;  // ticket → its assignee's DingTalk id
  {
    auto db = env.Db();
    SQLite::Statement q(
        *db, "SELECT t.id, p.dingtalk_staff_id FROM tickets t JOIN people p ON p.id = t.assignee_id");
    while (q.executeStep())
      staff_of[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
  }
  EXPECT_EQ(staff_of.size(), static_cast<std::size_t>(n));
  std::vector<long> all;
  int digests = 0, listed = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const std::string text = calls[i].body["markdown"]["text"];
    std::vector<long> carried = Numbers(heads[i].texts, "工单 T-(\\d+)");
    ASSERT_EQ(carried.size(), heads[i].rows.size()) << "one notice per row";
    std::vector<long> shown = Numbers({text}, "工单 T-(\\d+)");
    std::vector<long> named = Numbers({text}, "`摘要 (\\d+)`");
    if (named.empty()) {
      EXPECT_EQ(shown, carried) << "message " << i << ": " << text;
    } else {
      ++listed;
      EXPECT_EQ(named, std::vector<long>{heads[i].id}) << text;
      EXPECT_FALSE(shown.empty());
      EXPECT_TRUE(IsSubsequence(shown, carried)) << text;
    }
    digests += carried.size() > 1;
    // The ping lands: every assignee it carries is @-mentioned, in at.atUserIds and in the text.
    const Json& at = calls[i].body["at"]["atUserIds"];
    for (long ticket : carried) {
      const std::string& staff = staff_of[ticket];
      EXPECT_FALSE(staff.empty()) << "T-" << ticket;
      EXPECT_NE(std::find(at.begin(), at.end(), staff), at.end()) << "T-" << ticket << " in message " << i;
      EXPECT_THAT(text, HasSubstr("@" + staff)) << "T-" << ticket;
    }
    all.insert(all.end(), carried.begin(), carried.end());
  }
  std::vector<long> expected(n);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(all, expected);
  std::printf(
      "storm: %d posted in %.1f s, delivered by %.1f s in %zu robot messages (%d digests, %d listing "
      "first lines); at most %d in one %ld-ms window\n",
      n, posted_s, delivered_s, calls.size(), digests, listed, most, kWindowMs);
}

}  // namespace
}  // namespace opsbot::testing
