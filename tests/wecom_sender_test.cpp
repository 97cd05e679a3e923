// Unit tests for adapters/wecom/wecom_sender.h against a scripted fake WeCom on loopback: which route a
// message takes (app message/send, the smart bot's response_url, the group robot webhook), what each answer
// is classified as, and that no secret reaches an error.
#include "adapters/wecom/wecom_sender.h"
#include "bot/send_budget.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace opsbot {
namespace {

using Kind = DeliveryResult::Kind;
using Json = nlohmann::json;

constexpr char kAppSecret[] = "app+secret/=&x";  // characters a query string must encode
constexpr char kSenderRobotKey[] = "robot-key-9f3a";
constexpr char kGetToken[] = "/cgi-bin/gettoken";
constexpr char kAppSend[] = "/cgi-bin/message/send";
constexpr char kWebhook[] = "/cgi-bin/webhook/send";

struct Seen {
  std::string path;
  httplib::Params params;
  std::string body;
};

class WeComSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      int status = 200;
      std::string body = R"({"errcode":0,"errmsg":"ok"})";
      int sleep_ms = 0;
      {
        std::lock_guard lock(mu_);
        seen_.push_back({req.path, req.params, req.body});
        if (req.path == kGetToken) {
          ++token_calls_;
          body = R"({"errcode":0,"errmsg":"ok","access_token":"tok-)" + std::to_string(token_calls_) +
                 R"(","expires_in":7200})";
        }
        if (auto it = answers_.find(req.path); it != answers_.end()) std::tie(status, body) = it->second;
        if (auto it = hang_ms_.find(req.path); it != hang_ms_.end()) sleep_ms = it->second;
      }
      if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      res.status = status;
      res.set_content(body, "application/json");
    };
    server_.Get(".*", handler);
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
  WeComSenderOptions Options() {
    WeComSenderOptions o;
    o.api_base = Base();
    o.corp_id = [] { return std::string("corp1"); };
    o.app_secret = [] { return std::string(kAppSecret); };
    o.agent_id = [] { return 1000002L; };
    o.robot_keys_for = [this](const std::string& chat) {
      return chat == "chat1" && !robot_key_.empty() ? std::vector<std::string>{robot_key_}
                                                    : std::vector<std::string>{};
    };
    o.wecom_id_of = [](const std::string& key) {
      if (key == "bob") return std::string("wx-bob");
      if (key == "carol") return std::string("wx-carol");
      return std::string();
    };
    o.clock = &clock_;
    o.timeout_ms = 2000;
    return o;
  }
  WeComSender Sender() { return WeComSender(Options()); }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  OutboundMessage ToUser() {
    OutboundMessage m;
    m.platform = "wecom";
    m.channel = "user:alice";
    m.destination = "wecom:user:alice";
    m.reply.text = "Assigned to @bob.";
    m.reply.mention = {"bob"};
    return m;
  }
  // With a response_url: a reply that pings nobody (a ping goes through the robot when there is one).
  OutboundMessage ToGroup(bool with_response_url) {
    OutboundMessage m;
    m.platform = "wecom";
    m.channel = "group:chat1";
    m.destination = "wecom:group:chat1";
    m.reply.text = "Assigned to @bob, cc @dave.";
    if (!with_response_url)
      m.reply.mention = {"bob", "carol", "dave"};  // carol is not in the text; dave has no id
    if (with_response_url) {
      m.response_url = Base() + "/resp/1?ticket=abc";
      m.response_url_expires = clock_.NowMillis() + 3600 * 1000;
    }
    return m;
  }
  void Answer(const std::string& path, int status, const std::string& body) {
    std::lock_guard lock(mu_);
    answers_[path] = {status, body};
  }
  void Hang(const std::string& path, int ms) {
    std::lock_guard lock(mu_);
    hang_ms_[path] = ms;
  }
  std::vector<Seen> SeenRequests() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  std::vector<std::string> Paths() {
    std::vector<std::string> out;
    for (const Seen& s : SeenRequests())
      out.push_back(s.path);
    return out;
  }
  Seen Last(const std::string& path) {
    auto all = SeenRequests();
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (it->path == path) return *it;
    ADD_FAILURE() << "no request to " << path;
    return {};
  }
  static std::string Param(const Seen& s, const std::string& name) {
    auto it = s.params.find(name);
    return it == s.params.end() ? "<none>" : it->second;
  }
  static std::string MarkdownOf(const Seen& s) {
    Json j = Json::parse(s.body, nullptr, false);
    EXPECT_EQ(j.value("msgtype", ""), "markdown") << s.body;
    return j.contains("markdown") ? j["markdown"].value("content", "<none>") : "<none>";
  }

  FakeClock clock_{1700000000};
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::string robot_key_ = kSenderRobotKey;
  std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  std::map<std::string, int> hang_ms_;
  std::vector<Seen> seen_;
  int token_calls_ = 0;
};

TEST_F(WeComSenderTest, AppMessageFetchesTheTokenOnceAndSendsTheTextToTheUser) {
  auto s = Sender();
  EXPECT_EQ(s.Send(ToUser()).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), (std::vector<std::string>{kGetToken, kAppSend}));
  Seen token = Last(kGetToken);
  EXPECT_EQ(Param(token, "corpid"), "corp1");
  EXPECT_EQ(Param(token, "corpsecret"), kAppSecret);  // encoded on the way, decoded by the server
  Seen send = Last(kAppSend);
  EXPECT_EQ(Param(send, "access_token"), "tok-1");
  Json body = Json::parse(send.body);
  EXPECT_EQ(body["touser"], "alice");
  EXPECT_EQ(body["msgtype"], "text");
  EXPECT_EQ(body["agentid"], 1000002);
  EXPECT_EQ(body["text"]["content"], "Assigned to @bob.");  // no inline @ in a 1:1 chat
  EXPECT_EQ(body["enable_duplicate_check"], 0);

  clock_.Advance(3600);
  EXPECT_EQ(s.Send(ToUser()).kind, Kind::kDelivered);
  EXPECT_EQ(token_calls_, 1);  // cached
  EXPECT_EQ(Param(Last(kAppSend), "access_token"), "tok-1");
  clock_.Advance(3400);  // within 5 min of the 7200 s expiry
  EXPECT_EQ(s.Send(ToUser()).kind, Kind::kDelivered);
  EXPECT_EQ(token_calls_, 2);
  EXPECT_EQ(Param(Last(kAppSend), "access_token"), "tok-2");
}

TEST_F(WeComSenderTest, ATokenErrorAsksForReauthAndTheNextSendFetchesANewToken) {
  Answer(kAppSend, 200, R"({"errcode":42001,"errmsg":"access_token expired"})");
  auto s = Sender();
  auto r = s.Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kReauth);
  EXPECT_EQ(r.error, "errcode 42001");
  Answer(kAppSend, 200, R"({"errcode":0,"errmsg":"ok","invaliduser":""})");
  EXPECT_EQ(s.Send(ToUser()).kind, Kind::kDelivered);
  EXPECT_EQ(token_calls_, 2);
  EXPECT_EQ(Param(Last(kAppSend), "access_token"), "tok-2");
}

TEST_F(WeComSenderTest, AGettokenRefusalAsksForReauthAndATransportFailureForARetry) {
  Answer(kGetToken, 200, R"({"errcode":40013,"errmsg":"invalid corpid"})");
  auto r = Sender().Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kReauth);
  EXPECT_NE(r.error.find("40013"), std::string::npos) << r.error;
  EXPECT_EQ(Paths(), std::vector<std::string>{kGetToken});  // nothing sent without a token

  WeComSenderOptions o = Options();
  o.api_base = "http://127.0.0.1:1";  // nothing listens there
  r = WeComSender(o).Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_FALSE(r.maybe_delivered);
}

TEST_F(WeComSenderTest, AFrequencyLimitIsRetriedAfterAMinute) {
  Answer(kAppSend, 200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  auto r = Sender().Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_TRUE(r.rate_limited);
  EXPECT_FALSE(r.retry_after_ms.has_value());
  EXPECT_EQ(r.error, "errcode 45009");
}

TEST_F(WeComSenderTest, BusyAndServerErrorsAreRetried) {
  Answer(kAppSend, 200, R"({"errcode":-1,"errmsg":"system busy"})");
  auto r = Sender().Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.error, "errcode -1");
  EXPECT_FALSE(r.rate_limited);
  Answer(kAppSend, 500, "oops");
  r = Sender().Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.error, "http 500");
}

TEST_F(WeComSenderTest, NoValidRecipientAndAnInvalidUserAreGivenUp) {
  Answer(kAppSend, 200, R"({"errcode":81013,"errmsg":"user & party & tag all invalid"})");
  auto r = Sender().Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "errcode 81013");
  Answer(kAppSend, 200, R"({"errcode":0,"errmsg":"ok","invaliduser":"alice","msgid":"m1"})");
  r = Sender().Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "invaliduser");
}

TEST_F(WeComSenderTest, AResponseUrlCarriesTheReplyAndIsUsedOnlyOnce) {
  auto s = Sender();
  EXPECT_EQ(s.Send(ToGroup(true)).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), std::vector<std::string>{"/resp/1"});
  Seen resp = Last("/resp/1");
  EXPECT_EQ(Param(resp, "ticket"), "abc");
  EXPECT_EQ(MarkdownOf(resp), "Assigned to @bob, cc @dave.");

  OutboundMessage again = ToGroup(true);
  again.reply.text = "Closed.";
  EXPECT_EQ(s.Send(again).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), (std::vector<std::string>{"/resp/1", kWebhook}));
  Seen hook = Last(kWebhook);
  EXPECT_EQ(Param(hook, "key"), kSenderRobotKey);
  EXPECT_EQ(MarkdownOf(hook), "Closed.");
}

TEST_F(WeComSenderTest, APingGoesThroughTheGroupsRobotAndOnlyWithoutOneThroughTheResponseUrl) {
  OutboundMessage ping = ToGroup(true);
  ping.reply.mention = {"bob", "carol", "dave"};
  EXPECT_EQ(Sender().Send(ping).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), std::vector<std::string>{kWebhook});
  EXPECT_EQ(MarkdownOf(Last(kWebhook)), "Assigned to <@wx-bob>, cc @dave. <@wx-carol>");

  robot_key_.clear();
  EXPECT_EQ(Sender().Send(ping).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), (std::vector<std::string>{kWebhook, "/resp/1"}));
  EXPECT_EQ(MarkdownOf(Last("/resp/1")), "Assigned to <@wx-bob>, cc @dave. <@wx-carol>");
}

TEST_F(WeComSenderTest, AMentionTypedIntoTheTextPingsNobody) {
  OutboundMessage m = ToGroup(false);
  m.reply.text = "T-1: call <@wx-ceo> and <@all> now, assigned to @bob";
  m.reply.mention = {"bob"};
  EXPECT_EQ(Sender().Send(m).kind, Kind::kDelivered);
  EXPECT_EQ(MarkdownOf(Last(kWebhook)),
            "T-1: call <\u200b@wx-ceo> and <\u200b@all> now, assigned to <@wx-bob>");
}

TEST_F(WeComSenderTest, AnExpiringResponseUrlIsPassedOverForTheRobot) {
  OutboundMessage m = ToGroup(true);
  m.response_url_expires = clock_.NowMillis() + 30000;  // within the last minute
  EXPECT_EQ(Sender().Send(m).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), std::vector<std::string>{kWebhook});
  EXPECT_EQ(MarkdownOf(Last(kWebhook)), "Assigned to @bob, cc @dave.");
}

TEST_F(WeComSenderTest, AResponseUrlThatRefusesIsNotOfferedAgainSoTheNextSendTakesTheRobot) {
  Answer("/resp/1", 200, R"({"errcode":600039,"errmsg":"response url expired"})");
  auto s = Sender();
  ASSERT_EQ(s.Routes(ToGroup(true)).front().via, "response_url");
  auto r = s.Send(ToGroup(true));
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "errcode 600039");
  auto routes = s.Routes(ToGroup(true));
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes.front().via, "robot");
  EXPECT_EQ(routes.front().lane, "wecom:robot:" + LaneIdOf(kSenderRobotKey));
  EXPECT_EQ(s.Send(ToGroup(true)).kind, Kind::kDelivered);
  EXPECT_EQ(Paths(), (std::vector<std::string>{"/resp/1", kWebhook}));
}

TEST_F(WeComSenderTest, AResponseUrlThatIsNotHttpsNorLoopbackIsNotUsed) {
  auto s = Sender();
  for (std::string url : {"http://example.com/resp/1", "ftp://127.0.0.1/resp/1",
                          "http://127.0.0.1@example.com/resp/1", "http://localhost.example.com/resp/1"}) {
    OutboundMessage m = ToGroup(true);
    m.response_url = url;
    EXPECT_EQ(s.Send(m).kind, Kind::kDelivered) << url;
  }
  EXPECT_EQ(Paths(), (std::vector<std::string>(4, kWebhook)));
}

TEST_F(WeComSenderTest, AGroupWithNoResponseUrlAndNoRobotIsGivenUp) {
  robot_key_.clear();
  auto r = Sender().Send(ToGroup(false));
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "no robot webhook for the chat");
  EXPECT_TRUE(Paths().empty());
  OutboundMessage m = ToUser();
  m.channel = "chat1";
  EXPECT_EQ(Sender().Send(m).kind, Kind::kGiveUp);
}

TEST_F(WeComSenderTest, WithTheAppOffAMessageToAPersonIsGivenUpWithoutAskingForAToken) {
  WeComSenderOptions o = Options();
  o.corp_id = [] { return std::string(); };  // what the config leaves when the app's secrets are unset
  auto r = WeComSender(o).Send(ToUser());
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "the WeCom app is off");
  EXPECT_TRUE(Paths().empty());
}

TEST_F(WeComSenderTest, ABadRobotKeyIsGivenUp) {
  Answer(kWebhook, 200, R"({"errcode":93000,"errmsg":"invalid webhook url"})");
  auto r = Sender().Send(ToGroup(false));
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "errcode 93000");
}

TEST_F(WeComSenderTest, AHangingServerIsRetriedAsMaybeDelivered) {
  WeComSenderOptions o = Options();
  o.timeout_ms = 300;
  WeComSender s(o);
  Hang(kWebhook, 1200);
  auto r = s.Send(ToGroup(false));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_TRUE(r.maybe_delivered);
}

TEST_F(WeComSenderTest, AResponseUrlThatMayHaveTakenTheMessageIsNotFollowedByTheRobot) {
  WeComSenderOptions o = Options();
  o.timeout_ms = 300;
  WeComSender s(o);
  Hang("/resp/1", 1200);
  auto r = s.Send(ToGroup(true));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_TRUE(r.maybe_delivered);
  EXPECT_EQ(Paths(), std::vector<std::string>{"/resp/1"});
  EXPECT_EQ(s.Send(ToGroup(true)).kind, Kind::kDelivered);  // the retry: to the robot
  EXPECT_EQ(Paths(), (std::vector<std::string>{"/resp/1", kWebhook}));
}

TEST_F(WeComSenderTest, NeitherTheRobotKeyNorTheAppSecretAppearsInAnError) {
  std::vector<DeliveryResult> results;
  Answer(kGetToken, 200, R"({"errcode":40001,"errmsg":"invalid credential"})");
  results.push_back(Sender().Send(ToUser()));
  Answer(kGetToken, 503, "{}");
  results.push_back(Sender().Send(ToUser()));
  Answer(kWebhook, 200, R"({"errcode":93000,"errmsg":"invalid webhook url"})");
  results.push_back(Sender().Send(ToGroup(false)));
  Answer(kWebhook, 404, "not found");
  results.push_back(Sender().Send(ToGroup(false)));
  WeComSenderOptions o = Options();
  o.timeout_ms = 300;
  Hang(kWebhook, 1200);
  results.push_back(WeComSender(o).Send(ToGroup(false)));
  for (const DeliveryResult& r : results) {
    EXPECT_NE(r.kind, Kind::kDelivered);
    EXPECT_FALSE(r.error.empty());
    EXPECT_EQ(r.error.find(kSenderRobotKey), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find("app+secret"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find("app%2Bsecret"), std::string::npos) << r.error;
  }
  EXPECT_EQ(Param(Last(kWebhook), "key"), kSenderRobotKey);  // the key did go out, in the URL only
}

}  // namespace
}  // namespace opsbot
