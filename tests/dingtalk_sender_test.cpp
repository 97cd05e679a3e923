// Unit tests for adapters/dingtalk/dingtalk_sender.h against a scripted fake DingTalk on loopback: which
// path a message takes, and what each answer is classified as.
#include "adapters/dingtalk/dingtalk_sender.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <thread>

#include "adapters/dingtalk/dingtalk_signature.h"

namespace opsbot {
namespace {

using Kind = DeliveryResult::Kind;

class DingTalkSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      paths_.push_back(req.path);
      requests_.push_back(req);
      if (req.path == "/v1.0/oauth2/accessToken") {
        ++token_calls_;
        res.set_content(R"({"accessToken":"tok","expireIn":7200})", "application/json");
        return;
      }
      auto it = answers_.find(req.path);
      if (it == answers_.end()) {
        res.set_content(R"({"errcode":0})", "application/json");
        return;
      }
      res.status = it->second.first;
      res.set_content(it->second.second, "application/json");
    };
    server_.Post(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  DingTalkSender Sender(bool with_app = true) {
    DingTalkSenderOptions o;
    o.oapi_base = Base();
    o.robots_for = [](const std::string& cid) -> std::vector<DingTalkRobot> {
      if (cid == "cid-robot") return {DingTalkRobot{"robot-token", "SECexample"}};
      if (cid == "cid-plain") return {DingTalkRobot{"plain-token", ""}};
      return {};
    };
    o.api_base = Base();
    o.app_key = [with_app] { return std::string(with_app ? "key" : ""); };
    o.app_secret = [] { return std::string("secret"); };
    o.dingtalk_id_of = [](const std::string& key) { return key == "bob" ? std::string("staff-bob") : ""; };
    o.clock = &clock_;
    o.timeout_ms = 2000;
    return DingTalkSender(o);
  }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  OutboundMessage Message(bool with_webhook) {
    OutboundMessage m;
    m.platform = "dingtalk";
    m.channel = "group:cid1";
    m.destination = "dingtalk:group:cid1";
    m.reply.text = "Assigned to @bob.";
    m.reply.mention = {"bob"};
    if (with_webhook) {
      m.response_url = Base() + "/robot/sendBySession?session=1";
      m.response_url_expires = clock_.NowMillis() + 3600 * 1000;
    }
    return m;
  }
  void Answer(const std::string& path, int status, const std::string& body) {
    std::lock_guard lock(mu_);
    answers_[path] = {status, body};
  }
  std::vector<std::string> Paths() {
    std::lock_guard lock(mu_);
    return paths_;
  }

  FakeClock clock_{1700000000};
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  std::vector<std::string> paths_;
  std::vector<httplib::Request> requests_;
  int token_calls_ = 0;
};

TEST_F(DingTalkSenderTest, AFreshSessionWebhookCarriesTheReplyAndNoTokenIsFetched) {
  auto s = Sender();
  EXPECT_EQ(s.Send(Message(true)).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), std::vector<std::string>{"/robot/sendBySession"});
}

TEST_F(DingTalkSenderTest, AnExpiringSessionWebhookIsPassedOverForTheOpenApi) {
  auto s = Sender();
  OutboundMessage m = Message(true);
  m.response_url_expires = clock_.NowMillis() + 30000;  // within the last minute
  EXPECT_EQ(s.Send(m).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(),
            (std::vector<std::string>{"/v1.0/oauth2/accessToken", "/v1.0/robot/groupMessages/send"}));
  EXPECT_EQ(s.Send(m).kind, Kind::kDelivered);
  EXPECT_EQ(token_calls_, 1);  // cached
}

TEST_F(DingTalkSenderTest, SendTooFastIsRetriedAfterAMinute) {
  Answer("/robot/sendBySession", 200, R"({"errcode":130101,"errmsg":"send too fast"})");
  auto r = Sender().Send(Message(true));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_FALSE(r.retry_after_ms.has_value());
  EXPECT_EQ(r.error, "errcode 130101");
}

TEST_F(DingTalkSenderTest, AWebhookThatRefusesForGoodFallsBackToTheOpenApi) {
  Answer("/robot/sendBySession", 200, R"({"errcode":300001,"errmsg":"session expired"})");
  EXPECT_EQ(Sender().Send(Message(true)).kind, Kind::kDelivered);
  EXPECT_EQ(Paths().back(), "/v1.0/robot/groupMessages/send");
}

TEST_F(DingTalkSenderTest, ServerErrorsAreRetriedAndBadRequestsGivenUp) {
  Answer("/v1.0/robot/groupMessages/send", 503, "{}");
  EXPECT_EQ(Sender().Send(Message(false)).kind, Kind::kRetry);
  Answer("/v1.0/robot/groupMessages/send", 400, R"({"code":"invalidParameter.openConversationId"})");
  auto r = Sender().Send(Message(false));
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "invalidParameter.openConversationId");
}

TEST_F(DingTalkSenderTest, AnAuthFailureAsksForReauthAndDropsTheToken) {
  Answer("/v1.0/robot/groupMessages/send", 401, R"({"code":"InvalidAuthentication"})");
  auto s = Sender();
  EXPECT_EQ(s.Send(Message(false)).kind, Kind::kReauth);
  EXPECT_EQ(s.Send(Message(false)).kind, Kind::kReauth);
  EXPECT_EQ(token_calls_, 2);  // fetched again after the refusal
}

TEST_F(DingTalkSenderTest, AMessageToNoGroupOrPersonIsGivenUp) {
  OutboundMessage m = Message(false);
  m.channel = "cid1";
  EXPECT_EQ(Sender().Send(m).kind, Kind::kGiveUp);
}

TEST_F(DingTalkSenderTest, AGroupPingWithoutASessionWebhookGoesThroughTheCustomRobotSignedAtEachSend) {
  auto s = Sender();
  OutboundMessage m = Message(false);
  m.channel = "group:cid-robot";
  EXPECT_EQ(s.Send(m).kind, Kind::kDelivered);
  clock_.Advance(5);
  EXPECT_EQ(s.Send(m).kind, Kind::kDelivered);
  std::vector<httplib::Request> reqs;
  {
    std::lock_guard lock(mu_);
    reqs = requests_;
  }
  ASSERT_EQ(reqs.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const httplib::Request& req = reqs[i];
    EXPECT_EQ(req.path, "/robot/send");
    EXPECT_EQ(req.get_param_value("access_token"), "robot-token");
    std::string ts = req.get_param_value("timestamp");
    EXPECT_EQ(ts, std::to_string(clock_.NowMillis() - (i == 0 ? 5000 : 0)));
    EXPECT_EQ(req.get_param_value("sign"), DingTalkSign("SECexample", ts));  // rebuilt, not appended
    EXPECT_EQ(req.target.find("timestamp"), req.target.rfind("timestamp"));
    nlohmann::json body = nlohmann::json::parse(req.body);
    EXPECT_EQ(body["at"]["atUserIds"], nlohmann::json::array({"staff-bob"}));
    EXPECT_NE(body["markdown"]["text"].get<std::string>().find("@staff-bob"), std::string::npos);
  }
}

TEST_F(DingTalkSenderTest, WithoutAPingTheAppSendsAndWithoutTheAppTheRobotDoes) {
  OutboundMessage quiet = Message(false);
  quiet.channel = "group:cid-robot";
  quiet.reply.mention.clear();
  EXPECT_EQ(Sender().Send(quiet).kind, Kind::kDelivered);
  EXPECT_EQ(Paths().back(), "/v1.0/robot/groupMessages/send");
  quiet.channel = "group:cid-plain";
  EXPECT_EQ(Sender(false).Send(quiet).kind, Kind::kDelivered);
  EXPECT_EQ(Paths().back(), "/robot/send");
  {
    std::lock_guard lock(mu_);
    EXPECT_FALSE(requests_.back().has_param("sign"));  // a robot without 加签
  }
  quiet.channel = "group:cid-without-robot";
  auto r = Sender(false).Send(quiet);
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error.find("token"), std::string::npos);
}

}  // namespace
}  // namespace opsbot
