// End-to-end: encrypted WeCom callbacks (the app's XML, the smart bot's JSON) into the real server; replies
// out through the outbox to a fake WeCom (gettoken, message/send, the group robot webhook, a response_url)
// started in the test, including its rate-limit errcodes, 5xx and a hang.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <numeric>
#include <regex>
#include <thread>

#include "adapters/wecom/wecom_crypto.h"
#include "bot/clock.h"
#include "tests/support/captures.h"
#include "tests/support/digests.h"
#include "tests/support/opsbot_server.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// The app's credentials are those of vector T2 (shared/protocols.md §4); the smart bot has its own.
const char* kWeComCorpId = "wx5823bf96d3bd56c7";
const char* kAppToken = "QDG6eK";
const char* kAppAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const char* kAppSecret = "wecom-app-secret-for-tests";
const char* kBotToken = "bot-token-for-tests";
const char* kBotAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const char* kWeComRobotKey = "robot-key-ops-cn";
const char* kGroup = "wrFAKEopsCn0000000000000";  // the demo config's ops-cn chat
constexpr long kPaceMs = 200;

// A fake of WeCom's endpoints. Each POST path answers from its script (front first), then as a healthy WeCom:
// "ok", an errcode like "45009", "http500", or "hang" (no answer for 6 s: past the sender's 5-s timeout).
// Optionally a group robot (by key) is broken (always the same answer), and every robot takes at most so
// many messages in a sliding window (45009 past it, as WeCom answers).
class FakeWeCom {
 public:
  struct Call {
    std::string path;
    std::string query;  // access_token or key
    Json body;
    long long at_ms = 0;
    std::string answer;
  };
  FakeWeCom() {
    server_.Get("/cgi-bin/gettoken", [](const httplib::Request& req, httplib::Response& res) {
      bool ok =
          req.get_param_value("corpid") == kWeComCorpId && req.get_param_value("corpsecret") == kAppSecret;
      res.set_content(ok ? R"({"errcode":0,"errmsg":"ok","access_token":"wtok-1","expires_in":7200})"
                         : R"({"errcode":40001,"errmsg":"invalid credential"})",
                      "application/json");
    });
    for (const char* path : {"/cgi-bin/message/send", "/cgi-bin/webhook/send", "/bot/response"}) {
      server_.Post(path, [this](const httplib::Request& req, httplib::Response& res) { Answer(req, res); });
    }
    server_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeWeCom() {
    server_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // From now on a group robot (/cgi-bin/webhook/send, by key) takes at most `count` requests in any
  // `window_ms`: one more is answered 45009 "api freq out of limit" (and counts, as WeCom counts it).
  void LimitRobots(int count, long window_ms) {
    std::lock_guard lock(mu_);
    limit_count_ = count;
    limit_window_ms_ = window_ms;
  }
  // The group robot with `key` answers `answer` ("http500", an errcode) to every request.
  void BreakRobot(const std::string& key, const std::string& answer) {
    std::lock_guard lock(mu_);
    broken_[key] = answer;
  }
  void Script(const std::string& path, std::vector<std::string> answers) {
    std::lock_guard lock(mu_);
    for (std::string& a : answers)
      script_[path].push_back(std::move(a));
  }
  std::vector<Call> Calls(const std::string& path) {
    std::lock_guard lock(mu_);
    std::vector<Call> out;
    for (const Call& c : calls_)
      if (c.path == path) out.push_back(c);
    return out;
  }
  // Waits until `path` has answered "ok" `n` times.
  bool WaitForOk(const std::string& path, std::size_t n, int seconds = 10) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(seconds), [&] {
      std::size_t ok = 0;
      for (const Call& c : calls_)
        ok += c.path == path && c.answer == "ok";
      return ok >= n;
    });
  }

 private:
  void Answer(const httplib::Request& req, httplib::Response& res) {
    std::string answer = "ok";
    {
      std::lock_guard lock(mu_);
      const long long now = SystemClock().NowMillis();
      std::string query =
          req.has_param("key") ? req.get_param_value("key") : req.get_param_value("access_token");
      const bool robot = req.path == "/cgi-bin/webhook/send";
      int recent = 0;
      for (const Call& c : calls_)
        recent += robot && c.path == req.path && c.query == query && now - c.at_ms < limit_window_ms_;
      auto& q = script_[req.path];
      if (robot && broken_.count(query)) {
        answer = broken_[query];
      } else if (robot && limit_count_ > 0 && recent >= limit_count_) {
        answer = "45009";
      } else if (!q.empty()) {
        answer = q.front();
        q.pop_front();
      }
      calls_.push_back({req.path, query, Json::parse(req.body, nullptr, false), now, answer});
      cv_.notify_all();
    }
    if (answer == "hang") {
      std::this_thread::sleep_for(std::chrono::seconds(6));
      answer = "ok";
    }
    if (answer == "http500") {
      res.status = 500;
      res.set_content("oops", "text/plain");
    } else if (answer == "ok") {
      res.set_content(R"({"errcode":0,"errmsg":"ok"})", "application/json");
    } else if (answer == "45009") {
      res.set_content(R"({"errcode":45009,"errmsg":"api freq out of limit"})", "application/json");
    } else {
      res.set_content(R"({"errcode":)" + answer + R"(,"errmsg":"scripted"})", "application/json");
    }
  }
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::deque<std::string>> script_;
  std::vector<Call> calls_;
  std::map<std::string, std::string> broken_;  // robot key → its one answer
  int limit_count_ = 0;                        // 0: no limit
  long limit_window_ms_ = 0;
};

// The demo config's wecom section with its secrets filled in, its URLs pointed at the fake, a short pace
// and a short wait after a rate-limit errcode.
std::string WeComConfig(const OpsbotEnv& env, const FakeWeCom& fake) {
  std::string yaml = ServeConfig(env);
  for (auto [from, to] :
       {std::pair<std::string, std::string>{R"(\$\{OPSBOT_WECOM_CORP_ID\})", kWeComCorpId},
        {R"(\$\{OPSBOT_WECOM_SECRET\})", kAppSecret},
        {R"(\$\{OPSBOT_WECOM_TOKEN\})", kAppToken},
        {R"(\$\{OPSBOT_WECOM_AES_KEY\})", kAppAesKey},
        {R"(\$\{OPSBOT_WECOM_BOT_TOKEN\})", kBotToken},
        {R"(\$\{OPSBOT_WECOM_BOT_AES_KEY\})", kBotAesKey},
        {R"(\$\{OPSBOT_WECOM_ROBOT_OPS_CN\})", kWeComRobotKey},
        {"api_base: https://qyapi.weixin.qq.com",
         "api_base: " + fake.base() + "\n  pace_ms: " + std::to_string(kPaceMs)},
        {R"(response_url_hosts: \[qyapi\.weixin\.qq\.com\])", "response_url_hosts: [127.0.0.1]"}}) {
    std::string next = std::regex_replace(yaml, std::regex(from), to);
    EXPECT_NE(next, yaml) << "the demo config no longer has " << from;
    yaml = next;
  }
  return yaml + "\noutbox:\n  rate_limit_wait: 1s\n";
}

// The query string WeCom adds to a callback, signing `encrypt` with `token`.
std::string SignedQuery(const std::string& token, const std::string& encrypt, const std::string& nonce) {
  std::string ts = std::to_string(SystemClock().NowMillis() / 1000);
  return "?msg_signature=" + WeComSignature(token, ts, nonce, encrypt) + "&timestamp=" + ts +
         "&nonce=" + nonce;
}

std::string PercentEncode(const std::string& s) {
  return httplib::detail::encode_query_param(s);
}

// The app's callback: the message XML encrypted for `receive_id` inside the outer envelope.
httplib::Result PostApp(const OpsbotServer& server, const std::string& msg_id, const std::string& text,
                        const std::string& receive_id = kWeComCorpId, const std::string& token = kAppToken,
                        const std::string& from = "fake.zhangwei") {
  std::string xml = "<xml><ToUserName><![CDATA[" + std::string(kWeComCorpId) +
                    "]]></ToUserName><FromUserName><![CDATA[" + from + "]]></FromUserName><CreateTime>" +
                    std::to_string(SystemClock().NowMillis() / 1000) +
                    "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + text +
                    "]]></Content><MsgId>" + msg_id + "</MsgId><AgentID>1000002</AgentID></xml>";
  std::string encrypt = WeComEncrypt(*ParseEncodingAesKey(kAppAesKey), xml, receive_id);
  std::string body = "<xml><ToUserName><![CDATA[" + std::string(kWeComCorpId) +
                     "]]></ToUserName><Encrypt><![CDATA[" + encrypt +
                     "]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
  return server.Client()->Post(("/wecom/callback" + SignedQuery(token, encrypt, msg_id)).c_str(), body,
                               "text/xml");
}

// The smart bot's callback in the ops-cn group.
httplib::Result PostBot(const OpsbotServer& server, const std::string& msg_id, const std::string& text,
                        const std::string& response_url) {
  Json msg = {{"msgid", msg_id},
              {"aibotid", "aib-1"},
              {"chatid", kGroup},
              {"chattype", "group"},
              {"from", {{"userid", "fake.zhangwei"}}},
              {"msgtype", "text"},
              {"text", {{"content", "@opsbot " + text}}}};
  if (!response_url.empty()) msg["response_url"] = response_url;
  std::string encrypt = WeComEncrypt(*ParseEncodingAesKey(kBotAesKey), msg.dump(), "");
  return server.Client()->Post(
      ("/wecom/bot/callback" + SignedQuery(kBotToken, encrypt, "n" + msg_id)).c_str(),
      Json{{"encrypt", encrypt}}.dump(), "application/json");
}

class WeComE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.WriteConfig(WeComConfig(env_, fake_));
    server_ = std::make_unique<OpsbotServer>(env_);
    ASSERT_TRUE(server_->started()) << server_->error();
  }
  FakeWeCom fake_;
  OpsbotEnv env_;
  std::unique_ptr<OpsbotServer> server_;
};

TEST_F(WeComE2E, TheAppsUrlCheckAnswersTheBareDecryptedEchostr) {
  // Vector T2a's echostr (its exact signature is checked in wecom_crypto_test), signed now and URL-encoded
  // as WeCom sends it: its '+' and '/' arrive as %2B and %2F.
  const std::string echostr =
      "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
  auto get = [&](const std::string& ts, const std::string& signature) {
    return server_->Client()->Get(("/wecom/callback?msg_signature=" + signature + "&timestamp=" + ts +
                                   "&nonce=263014780&echostr=" + PercentEncode(echostr))
                                      .c_str());
  };
  const std::string now = std::to_string(SystemClock().NowMillis() / 1000);
  auto r = get(now, WeComSignature(kAppToken, now, "263014780", echostr));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "1616140317555161061");
  r = get(now, std::string(40, '0'));  // forged
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  // The vector's own request, from 2014: signed right, but far outside the hour a request may be replayed in.
  r = get("1409659589", "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(WeComE2E, ADirectMessageInChineseCreatesATicketAndTheAppAnswersTheSender) {
  auto r = PostApp(*server_, "4561255354251345929", "建单 VPN 断了 p2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");  // final for WeCom: no retry
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/message/send", 1));
  auto sends = fake_.Calls("/cgi-bin/message/send");
  EXPECT_EQ(sends[0].query, "wtok-1");
  EXPECT_EQ(sends[0].body["touser"], "fake.zhangwei");
  EXPECT_EQ(sends[0].body["agentid"], 1000002);
  EXPECT_THAT(sends[0].body["text"]["content"].get<std::string>(),
              HasSubstr("已创建工单 T-1 [P2]：VPN 断了"));

  // A redelivery (the same MsgId) is dropped; forged, mis-addressed and garbled callbacks are refused.
  r = PostApp(*server_, "4561255354251345929", "建单 VPN 断了 p2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = PostApp(*server_, "2", "ticket new forged", kWeComCorpId, "another-token");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = PostApp(*server_, "3", "ticket new for another corp", "wx0000000000000000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = server_->Client()->Post("/wecom/callback?msg_signature=x&timestamp=1&nonce=2", "<xml><Encrypt>",
                              "text/xml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);

  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_EQ(env_.Count("SELECT count(*) FROM tickets"), 1);
  EXPECT_EQ(fake_.Calls("/cgi-bin/message/send").size(), 1u);
}

TEST_F(WeComE2E, SomeoneTheConfigDoesNotKnowIsAMemberNamedByTheirUseridAndAnsweredInChinese) {
  auto r = PostApp(*server_, "900", "ticket new 数据库慢", kWeComCorpId, kAppToken, "wang.xiaoer");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/message/send", 1));
  auto sends = fake_.Calls("/cgi-bin/message/send");
  EXPECT_EQ(sends[0].body["touser"], "wang.xiaoer");
  EXPECT_THAT(sends[0].body["text"]["content"].get<std::string>(), HasSubstr("已创建工单 T-1"));
  // A member may not do what needs an agent: refused, in Chinese, and nothing changes.
  r = PostApp(*server_, "901", "ticket assign T-1 @bob", kWeComCorpId, kAppToken, "wang.xiaoer");
  ASSERT_TRUE(r);
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/message/send", 2));
  EXPECT_THAT(fake_.Calls("/cgi-bin/message/send")[1].body["text"]["content"].get<std::string>(),
              HasSubstr("您无权执行"));
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_EQ(
      env_.Count("SELECT count(*) FROM people WHERE key = 'wang.xiaoer' AND wecom_userid = 'wang.xiaoer' "
                 "AND role = 'member'"),
      1);
  EXPECT_EQ(env_.Count("SELECT count(*) FROM tickets WHERE assignee_id IS NULL OR assignee_id NOT IN "
                       "(SELECT id FROM people WHERE key = 'bob')"),
            1);
}

TEST_F(WeComE2E, InAGroupAPingGoesThroughTheRobotAndAnAnswerThroughItsResponseUrl) {
  // A new ticket assigned to 张伟 pings him: through the group's robot, with WeCom's mention syntax.
  auto r = PostBot(*server_, "b1", "ticket new 磁盘满 p1 @张伟", fake_.base() + "/bot/response?id=r1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/webhook/send", 1));
  auto robot = fake_.Calls("/cgi-bin/webhook/send");
  EXPECT_EQ(robot[0].query, kWeComRobotKey);
  std::string content = robot[0].body["markdown"]["content"];
  EXPECT_THAT(content, HasSubstr("T-1"));
  EXPECT_THAT(content, HasSubstr("<@fake.zhangwei>"));

  // An answer that pings nobody goes back through the message's own response_url.
  r = PostBot(*server_, "b2", "ticket list", fake_.base() + "/bot/response?id=r2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake_.WaitForOk("/bot/response", 1));
  EXPECT_THAT(fake_.Calls("/bot/response")[0].body["markdown"]["content"].get<std::string>(),
              HasSubstr("T-1"));

  // A response_url that refuses (used, or expired) falls back to the robot.
  fake_.Script("/bot/response", {"600039"});
  r = PostBot(*server_, "b3", "ticket list", fake_.base() + "/bot/response?id=r3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/webhook/send", 2));
  // A response_url off wecom.response_url_hosts is never called: the answer goes by the robot.
  // (The same fake by another name: without the list, the sender would call it.)
  std::string off_list = fake_.base() + "/bot/response?id=r4";
  off_list.replace(off_list.find("127.0.0.1"), 9, "localhost");
  r = PostBot(*server_, "b4", "ticket list", off_list);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/webhook/send", 3));
  server_->ReadLog(300);
  EXPECT_THAT(server_->process().err(), HasSubstr("a response_url off the allow-list was ignored"));
  EXPECT_THAT(server_->process().err(), Not(HasSubstr("id=r4")));  // it carries a one-use credential
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_EQ(fake_.Calls("/bot/response").size(), 2u);
  EXPECT_EQ(fake_.Calls("/cgi-bin/webhook/send").size(), 3u);
}

TEST_F(WeComE2E, SomeoneWithNoWeComAccountIsNamedAndTheReplySaysWhyTheyWereNotPinged) {
  // carol has a Slack account in the demo config, none on WeCom.
  auto r = PostBot(*server_, "np1", "ticket new 证书过期 p2 @carol", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake_.WaitForOk("/cgi-bin/webhook/send", 1));
  std::string content = fake_.Calls("/cgi-bin/webhook/send")[0].body["markdown"]["content"];
  EXPECT_THAT(content, HasSubstr("@carol 未被提醒"));
  EXPECT_THAT(content, HasSubstr("绑定 wecom"));
  EXPECT_THAT(content, Not(HasSubstr("<@")));
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(WeComE2E, RateLimitsErrorsAndAHangStillDeliverEveryMessageInOrderAtThePace) {
  // The robot answers: too fast (45009), a 5xx, then hangs past the timeout; then it is healthy.
  fake_.Script("/cgi-bin/webhook/send", {"45009", "http500", "hang"});
  const int n = 4;
  for (int i = 1; i <= n; ++i) {
    auto r = PostBot(*server_, "o" + std::to_string(i), "ticket new order-" + std::to_string(i), "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // What the robot took (answered ok): every message once, in order — several may share one digest. A
  // request the fake hung on may have been taken too: only its messages may arrive twice.
  auto taken = [&](const char* answer) {
    std::vector<std::string> texts;
    for (const FakeWeCom::Call& c : fake_.Calls("/cgi-bin/webhook/send"))
      if (c.answer == answer) texts.push_back(c.body["markdown"]["content"].get<std::string>());
    return Captures(texts, "order-(\\d)");
  };
  for (int i = 0; i < 400 && taken("ok").size() < static_cast<std::size_t>(n); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(taken("ok"), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_FALSE(taken("hang").empty());
  auto calls = fake_.Calls("/cgi-bin/webhook/send");
  EXPECT_LE(calls.size(), static_cast<std::size_t>(n + 3));  // one try per failure, no more
  for (std::size_t i = 1; i < calls.size(); ++i)
    EXPECT_GE(calls[i].at_ms - calls[i - 1].at_ms, kPaceMs - 5) << "request " << i << " came too soon";
  EXPECT_GE(calls[1].at_ms - calls[0].at_ms, 1000);  // 45009: the rate-limit wait, not the pace
  EXPECT_EQ(server_->Stop(), 0);
}

// Two group robots for the ops-cn chat, each allowed 20 messages in 6 s — by the fake and in opsbot's
// config alike — and a pace of 1 ms, so that only the robots' budgets hold messages back.
class WeComTwoRobotsE2E : public ::testing::Test {
 protected:
  static constexpr int kCount = 20;
  static constexpr long kWindowMs = 6000;
  static constexpr const char* kRobotKey2 = "robot-key-ops-cn-2";

  void SetUp() override {
    fake_.LimitRobots(kCount, kWindowMs);
    std::string yaml = WeComConfig(env_, fake_) + "  limits:\n    wecom_robot: \"20 per 6s\"\n";
    // A second robot for the chat: the same chat named again with another key.
    for (auto [from, to] :
         {std::pair<std::string, std::string>{
              "key: " + std::string(kWeComRobotKey) + "[^\n]*",
              "key: " + std::string(kWeComRobotKey) + "\n    - chat: ops-cn\n      key: " + kRobotKey2},
          {"pace_ms: " + std::to_string(kPaceMs), "pace_ms: 1"}}) {
      std::string next = std::regex_replace(yaml, std::regex(from), to);
      ASSERT_NE(next, yaml) << "the config has no " << from;
      yaml = next;
    }
    env_.WriteConfig(yaml);
    server_ = std::make_unique<OpsbotServer>(env_);
    ASSERT_TRUE(server_->started()) << server_->error();
  }

  // `n` new tickets in the group through the smart bot, each pinging its auto-assigned agent: `at_once` of
  // them at once, the rest `per_second`. Each carries its own response_url, which a ping does not take.
  void Storm(int n, int at_once, int per_second) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 1; i <= n; ++i) {
      const auto due = start + std::chrono::milliseconds(1000 * std::max(0, i - at_once) / per_second);
      for (auto now = std::chrono::steady_clock::now(); now < due; now = std::chrono::steady_clock::now())
        server_->ReadLog(
            static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count()));
      const std::string id = "burst-" + std::to_string(i);
      auto r = PostBot(*server_, id, "ticket new " + id, fake_.base() + "/bot/response?id=" + id);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
    }
  }

  // Waits until the outbox has `n` rows, all delivered (at most 30 s), then stops the server.
  void WaitAllDeliveredAndStop(int n) {
    auto delivered = [&] { return env_.Count("SELECT count(*) FROM outbox WHERE state = 'delivered'"); };
    for (int i = 0; i < 300 && delivered() < n; ++i)
      server_->ReadLog(100);
    EXPECT_EQ(server_->Stop(), 0);
    EXPECT_EQ(env_.Count("SELECT count(*) FROM outbox"), n);
    EXPECT_EQ(delivered(), n);
  }

  // What each robot key was sent: its calls in order.
  std::map<std::string, std::vector<FakeWeCom::Call>> ByRobot() {
    std::map<std::string, std::vector<FakeWeCom::Call>> out;
    for (const FakeWeCom::Call& c : fake_.Calls("/cgi-bin/webhook/send"))
      out[c.query].push_back(c);
    return out;
  }

  // Checks that the messages the robots took (answered ok), in order, carried the `n` notices in order —
  // several in a digest, listed in full, or by their first lines and `摘要 <id>` — each with its ping.
  // Returns how many of them were digests.
  int ExpectEveryNoticeInOrderWithItsPing(int n) {
    std::vector<FakeWeCom::Call> taken;
    for (const FakeWeCom::Call& c : fake_.Calls("/cgi-bin/webhook/send"))
      if (c.answer == "ok") taken.push_back(c);
    EXPECT_EQ(env_.Count("SELECT count(DISTINCT destination) FROM outbox"), 1);
    std::string destination = env_.Db()->execAndGet("SELECT destination FROM outbox LIMIT 1").getString();
    std::vector<SentHead> heads = DeliveredHeads(env_, destination);
    EXPECT_EQ(taken.size(), heads.size());
    std::map<long, std::string> userid_of;  // ticket → its assignee's WeCom userid
    {
      auto db = env_.Db();
      SQLite::Statement q(*db,
                          "SELECT t.id, p.wecom_userid FROM tickets t JOIN people p ON p.id = t.assignee_id");
      while (q.executeStep())
        userid_of[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
    }
    EXPECT_EQ(userid_of.size(), static_cast<std::size_t>(n));
    std::vector<long> all;
    int digests = 0;
    for (std::size_t i = 0; i < std::min(taken.size(), heads.size()); ++i) {
      const std::string text = taken[i].body["markdown"]["content"];
      std::vector<long> carried = Numbers(heads[i].texts, "工单 T-(\\d+)");
      EXPECT_EQ(carried.size(), heads[i].rows.size()) << "one notice per row";
      std::vector<long> shown = Numbers({text}, "工单 T-(\\d+)");
      std::vector<long> named = Numbers({text}, "`摘要 (\\d+)`");
      if (named.empty()) {
        EXPECT_EQ(shown, carried) << "message " << i << ": " << text;
      } else {
        EXPECT_EQ(named, std::vector<long>{heads[i].id}) << text;
        EXPECT_FALSE(shown.empty());
        EXPECT_TRUE(IsSubsequence(shown, carried)) << text;
      }
      digests += carried.size() > 1;
      for (long ticket : carried) {
        EXPECT_FALSE(userid_of[ticket].empty()) << "T-" << ticket;
        EXPECT_THAT(text, HasSubstr("<@" + userid_of[ticket] + ">")) << "T-" << ticket << " in message " << i;
      }
      all.insert(all.end(), carried.begin(), carried.end());
    }
    std::vector<long> expected(n);
    std::iota(expected.begin(), expected.end(), 1);
    EXPECT_EQ(all, expected);
    EXPECT_THAT(fake_.Calls("/bot/response"), ::testing::IsEmpty());  // a ping goes by a robot
    return digests;
  }

  FakeWeCom fake_;
  OpsbotEnv env_;
  std::unique_ptr<OpsbotServer> server_;
};

TEST_F(WeComTwoRobotsE2E, ABurstOfPingsIsSharedByTheChatsTwoRobotsNeitherOverItsLimitAndArrivesInOrder) {
  // 60 pings: 20 at once, then 8 a second for 5 s — more than one robot may carry, less than two may.
  constexpr int n = 60;
  const auto start = std::chrono::steady_clock::now();
  Storm(n, 20, 8);
  WaitAllDeliveredAndStop(n);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  auto robots = ByRobot();
  ASSERT_EQ(robots.size(), 2u);
  std::map<std::string, int> most;
  for (const auto& [key, calls] : robots) {
    std::vector<long long> times;
    for (const FakeWeCom::Call& c : calls) {
      times.push_back(c.at_ms);
      EXPECT_EQ(c.answer, "ok") << key;  // never "too fast"
    }
    most[key] = MaxInWindow(times, kWindowMs);
    EXPECT_LE(most[key], kCount) << key;
  }
  // Shared: each robot carried about half (the one with more budget left takes the next message).
  const std::size_t a = robots[kWeComRobotKey].size(), b = robots[kRobotKey2].size();
  EXPECT_GE(std::min(a, b) * 3, std::max(a, b) * 2) << a << " and " << b;
  const int digests = ExpectEveryNoticeInOrderWithItsPing(n);
  std::printf(
      "two robots: %d pings delivered in %.1f s by %zu + %zu messages (%d digests); at most %d and %d in "
      "one %ld-ms window\n",
      n, seconds, a, b, digests, most[kWeComRobotKey], most[kRobotKey2], kWindowMs);
}

class WeComOneRobotBrokenE2E : public WeComTwoRobotsE2E {
 protected:
  // One of the two robots always answers `answer`, while 50 pings come (10 at once, then 6 a second for
  // 6.7 s: more than the good robot alone may carry at once). Expects every ping to arrive by the good
  // robot, in order, none dead, the good robot within its limit; returns the gaps between the broken
  // robot's tries (ms).
  std::vector<long long> Run(const std::string& answer) {
    fake_.BreakRobot(kRobotKey2, answer);
    constexpr int n = 50;
    const auto start = std::chrono::steady_clock::now();
    Storm(n, 10, 6);
    WaitAllDeliveredAndStop(n);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(env_.Count("SELECT count(*) FROM outbox WHERE state = 'dead'"), 0);
    auto robots = ByRobot();
    const std::vector<FakeWeCom::Call>& good = robots[kWeComRobotKey];
    const std::vector<FakeWeCom::Call>& bad = robots[kRobotKey2];
    std::vector<long long> times;
    for (const FakeWeCom::Call& c : good) {
      times.push_back(c.at_ms);
      EXPECT_EQ(c.answer, "ok");
    }
    EXPECT_LE(MaxInWindow(times, kWindowMs), kCount);
    EXPECT_GE(bad.size(), 1u);  // it was tried
    const int digests = ExpectEveryNoticeInOrderWithItsPing(n);
    std::vector<long long> gaps;
    std::string gap_list;
    for (std::size_t i = 1; i < bad.size(); ++i) {
      gaps.push_back(bad[i].at_ms - bad[i - 1].at_ms);
      gap_list += " " + std::to_string(gaps.back());
    }
    std::printf(
        "one robot answering %s: %d pings delivered in %.1f s by %zu messages of the good robot (%d digests, "
        "at most %d in one window); the broken one tried %zu times, gaps (ms):%s\n",
        answer.c_str(), n, seconds, good.size(), digests, MaxInWindow(times, kWindowMs), bad.size(),
        gap_list.c_str());
    return gaps;
  }
};

TEST_F(WeComOneRobotBrokenE2E,
       WhenOneRobotFailsEveryPingArrivesByTheOtherAndTheFailingOneIsTriedLessAndLessOften) {
  // The broken robot is tried, then blocked for a backoff that grows with its failures (1 s, 2 s, 4 s, ...
  // each ±20%): in 7 s, a few tries, each gap longer than the one before.
  std::vector<long long> gaps = Run("http500");
  EXPECT_GE(gaps.size(), 2u);
  EXPECT_LE(gaps.size(), 3u);
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    EXPECT_GE(gaps[i], 800 * (1L << i) - 5) << "try " << i + 2;  // a whole-millisecond clock
    if (i > 0) {
      EXPECT_GT(gaps[i], gaps[i - 1]) << "try " << i + 2;
    }
  }
}

TEST_F(WeComOneRobotBrokenE2E, WhenOneRobotsKeyIsRevokedEveryPingArrivesByTheOtherAndNoneDies) {
  // 93000 "invalid webhook url" is a refusal (give up) — for the route, here, not the message: the message
  // goes by the other robot, and the refusing one is set aside for a while after each try.
  std::vector<long long> gaps = Run("93000");
  for (std::size_t i = 0; i < gaps.size(); ++i)
    EXPECT_GE(gaps[i], 795) << "try " << i + 2;
}

}  // namespace
}  // namespace opsbot::testing
