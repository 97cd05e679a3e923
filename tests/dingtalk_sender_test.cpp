// Unit tests for adapters/dingtalk/dingtalk_sender.h against a scripted fake DingTalk on loopback: which
// path a message takes, and what each answer is classified as.
#include "adapters/dingtalk/dingtalk_sender.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <thread>

namespace opsbot {
namespace {

using Kind = DeliveryResult::Kind;

class DingTalkSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      paths_.push_back(req.path);
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
  DingTalkSender Sender() {
    DingTalkSenderOptions o;
    o.api_base = Base();
    o.app_key = [] { return std::string("key"); };
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
  EXPECT_EQ(r.retry_after_ms, 60000);
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

TEST(SplitDingTalkReply, CutsAtLineEndsUnderTheLimitAndKeepsEachPiecesMentions) {
  Reply r;
  r.text = "T-1 assigned to @bob\n" + std::string(30, 'x') + "\nT-2 for @carol";
  r.mention = {"bob", "carol"};
  auto pieces = SplitDingTalkReply(r, 40);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].text, "T-1 assigned to @bob");
  EXPECT_EQ(pieces[0].mention, std::vector<std::string>{"bob"});
  EXPECT_EQ(pieces[1].text, std::string(30, 'x'));
  EXPECT_TRUE(pieces[1].mention.empty());
  EXPECT_EQ(pieces[2].mention, std::vector<std::string>{"carol"});
  EXPECT_EQ(SplitDingTalkReply(r, 1000).size(), 1u);
}

TEST(SplitDingTalkReply, ALongLineIsCutOnAUtf8Boundary) {
  Reply r;
  r.text = std::string(5, 'a') + "磁盘满磁盘满";  // 5 + 18 bytes, no line end
  auto pieces = SplitDingTalkReply(r, 10);
  std::string joined;
  for (const Reply& p : pieces) {
    EXPECT_LE(p.text.size(), 10u);
    joined += p.text;
  }
  EXPECT_EQ(joined, r.text);
  EXPECT_EQ(pieces[0].text, "aaaaa磁");  // 8 bytes: the next character would not fit whole
}

TEST(SplitDingTalkReply, BytesThatAreNotUtf8StillEndTheSplit) {
  Reply r;
  r.text = std::string(25, '\x80');
  auto pieces = SplitDingTalkReply(r, 10);
  EXPECT_EQ(pieces.size(), 3u);
}

}  // namespace
}  // namespace opsbot
