#include "adapters/slack/slack_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/fake_slack.h"
#include "tests/support/subprocess.h"

namespace opsbot {
namespace {

using testing::FakeSlack;
using testing::FakeSlackAnswer;
using ::testing::HasSubstr;
using Kind = DeliveryResult::Kind;

constexpr char kBotToken[] = "xoxb-test-token";

SlackSenderOptions Options(const FakeSlack& fake) {
  SlackSenderOptions o;
  o.api_base = fake.api_base();
  o.bot_token = kBotToken;
  o.connect_timeout_ms = 1000;
  o.write_timeout_ms = 1000;
  o.read_timeout_ms = 300;
  o.slack_id_of = [](const std::string& key) {
    return key == "alice" ? std::string("U0ALICE") : std::string();
  };
  return o;
}

std::unique_ptr<SlackSender> MakeSender(const SlackSenderOptions& o) {
  auto s = SlackSender::Create(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

OutboundMessage SlackMessage(std::string text, std::string channel = "C0OPS", std::string thread = "") {
  OutboundMessage m;
  m.platform = "slack";
  m.destination = "slack:" + channel;
  m.channel = std::move(channel);
  m.thread = std::move(thread);
  m.reply = Reply::Ok(Lang::kEn, std::move(text));
  return m;
}

class SlackSenderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.started()); }
  FakeSlack fake_{FakeSlack::Options{kBotToken, 0, "", ""}};
};

TEST_F(SlackSenderTest, PostsTheRenderedMessage) {
  auto sender = MakeSender(Options(fake_));
  OutboundMessage m = SlackMessage("T-1 <disk> & @alice", "C0OPS", "1700000000.000100");
  m.reply.mention = {"alice"};
  DeliveryResult r = sender->Send(m);
  EXPECT_EQ(r.kind, Kind::kDelivered) << r.error;
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/api/chat.postMessage");
  EXPECT_EQ(calls[0].authorization, std::string("Bearer ") + kBotToken);
  EXPECT_THAT(calls[0].content_type, HasSubstr("application/json"));
  EXPECT_EQ(calls[0].channel, "C0OPS");
  EXPECT_EQ(calls[0].text, "T-1 &lt;disk&gt; &amp; <@U0ALICE>");
  EXPECT_EQ(calls[0].thread_ts, "1700000000.000100");
  EXPECT_TRUE(calls[0].mrkdwn);
  // No thread: no thread_ts at all.
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kDelivered);
  EXPECT_THAT(fake_.calls()[1].body, ::testing::Not(HasSubstr("thread_ts")));
}

TEST_F(SlackSenderTest, RateLimitedHonoursRetryAfter) {
  fake_.Script({FakeSlackAnswer::RateLimited(7)});
  auto sender = MakeSender(Options(fake_));
  DeliveryResult r = sender->Send(SlackMessage("hi"));
  EXPECT_EQ(r.kind, Kind::kRetry);
  ASSERT_TRUE(r.retry_after_ms.has_value());
  EXPECT_EQ(*r.retry_after_ms, 7000);
  EXPECT_FALSE(r.maybe_delivered);
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kDelivered);
}

TEST_F(SlackSenderTest, ServerErrorsAreRetried) {
  fake_.Script({FakeSlackAnswer::ServerError(500), FakeSlackAnswer::ServerError(503)});
  auto sender = MakeSender(Options(fake_));
  for (const char* code : {"http_500", "http_503"}) {
    DeliveryResult r = sender->Send(SlackMessage("hi"));
    EXPECT_EQ(r.kind, Kind::kRetry);
    EXPECT_EQ(r.error, code);
    EXPECT_FALSE(r.maybe_delivered);
  }
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kDelivered);
  EXPECT_EQ(fake_.delivered().size(), 1u);
}

TEST_F(SlackSenderTest, OkFalseCodesAreClassified) {
  fake_.Script({FakeSlackAnswer::Error("channel_not_found"), FakeSlackAnswer::Error("ratelimited"),
                FakeSlackAnswer::Error("token_revoked"), FakeSlackAnswer::Error("msg_too_long")});
  auto sender = MakeSender(Options(fake_));
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kGiveUp);
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kRetry);
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kReauth);
  DeliveryResult r = sender->Send(SlackMessage("hi"));
  EXPECT_EQ(r.kind, Kind::kGiveUp);
  EXPECT_EQ(r.error, "msg_too_long");
}

TEST_F(SlackSenderTest, WrongTokenIsReauth) {
  SlackSenderOptions o = Options(fake_);
  o.bot_token = "xoxb-wrong";
  DeliveryResult r = MakeSender(o)->Send(SlackMessage("hi"));
  EXPECT_EQ(r.kind, Kind::kReauth);
  EXPECT_EQ(r.error, "invalid_auth");
  EXPECT_THAT(r.error, ::testing::Not(HasSubstr("xoxb")));
}

TEST_F(SlackSenderTest, HangLongerThanTheReadTimeoutMayHaveBeenDelivered) {
  fake_.Script({FakeSlackAnswer::Hang(900)});
  auto sender = MakeSender(Options(fake_));  // read timeout 300 ms
  auto start = std::chrono::steady_clock::now();
  DeliveryResult r = sender->Send(SlackMessage("hi"));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_TRUE(r.maybe_delivered);
  EXPECT_EQ(r.error, "transport_Read");
  EXPECT_LT(took, std::chrono::milliseconds(800));
  // The fake posted it anyway: a retry would make it arrive twice, which is what maybe_delivered warns of.
  EXPECT_TRUE(fake_.WaitForDelivered(1, 5000));
  EXPECT_EQ(sender->Send(SlackMessage("hi")).kind, Kind::kDelivered);  // a fresh connection after the dropped one
  EXPECT_EQ(fake_.delivered().size(), 2u);
}

TEST_F(SlackSenderTest, HangShorterThanTheReadTimeoutIsDelivered) {
  fake_.Script({FakeSlackAnswer::Hang(100)});
  EXPECT_EQ(MakeSender(Options(fake_))->Send(SlackMessage("hi")).kind, Kind::kDelivered);
}

TEST(SlackSenderNoServerTest, ConnectionRefusedIsRetriedAndNotDelivered) {
  int port;
  {
    FakeSlack gone;
    port = gone.port();
  }
  SlackSenderOptions o;
  o.api_base = "http://127.0.0.1:" + std::to_string(port) + "/api";
  o.bot_token = kBotToken;
  o.connect_timeout_ms = 500;
  DeliveryResult r = MakeSender(o)->Send(SlackMessage("hi"));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_FALSE(r.maybe_delivered);
  EXPECT_THAT(r.error, HasSubstr("transport_"));
}

TEST_F(SlackSenderTest, PaceViolationsAreRateLimited) {
  fake_.SetPaceMs(300);
  auto sender = MakeSender(Options(fake_));
  EXPECT_EQ(sender->Send(SlackMessage("one")).kind, Kind::kDelivered);
  DeliveryResult too_soon = sender->Send(SlackMessage("two"));
  EXPECT_EQ(too_soon.kind, Kind::kRetry);
  EXPECT_EQ(too_soon.retry_after_ms.value_or(-1), 1000);
  EXPECT_EQ(fake_.pace_violations(), 1);
  EXPECT_EQ(sender->Send(SlackMessage("elsewhere", "C0OTHER")).kind, Kind::kDelivered);  // per channel
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(sender->Send(SlackMessage("two")).kind, Kind::kDelivered);
  auto delivered = fake_.delivered();
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(delivered[2].text, "two");
}

TEST_F(SlackSenderTest, ResponseUrlGetsTheReplyWithoutTheToken) {
  auto sender = MakeSender(Options(fake_));
  OutboundMessage m = SlackMessage("T-2 created");
  m.response_url = fake_.response_url("T1/123/abc");
  EXPECT_EQ(sender->Send(m).kind, Kind::kDelivered);
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].response_url);
  EXPECT_EQ(calls[0].path, "/commands/T1/123/abc");
  EXPECT_EQ(calls[0].response_type, "in_channel");
  EXPECT_EQ(calls[0].text, "T-2 created");
  EXPECT_EQ(calls[0].authorization, "");
}

TEST_F(SlackSenderTest, ExpiredResponseUrlFallsBackToPostMessage) {
  fake_.Script({FakeSlackAnswer::Error("expired_url")});
  auto sender = MakeSender(Options(fake_));
  OutboundMessage m = SlackMessage("late result");
  m.response_url = fake_.response_url("x");
  EXPECT_EQ(sender->Send(m).kind, Kind::kDelivered);
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(calls[0].response_url);
  EXPECT_FALSE(calls[1].response_url);
  EXPECT_EQ(calls[1].channel, "C0OPS");
  EXPECT_EQ(calls[1].text, "late result");
}

TEST_F(SlackSenderTest, LongMessagesAreSplitBeforeEnqueueOrPostedInOrder) {
  SlackSenderOptions o = Options(fake_);
  o.max_chars = 100;
  auto sender = MakeSender(o);
  std::string text;
  for (int i = 0; i < 12; ++i)
    text += "line " + std::to_string(i) + " of a long answer\n";
  OutboundMessage m = SlackMessage(text);
  std::vector<OutboundMessage> rows = sender->Split(m);
  ASSERT_GT(rows.size(), 1u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.channel, "C0OPS");
    EXPECT_EQ(row.destination, "slack:C0OPS");
    EXPECT_EQ(sender->Send(row).kind, Kind::kDelivered);
  }
  EXPECT_EQ(fake_.delivered().size(), rows.size());
  // Not split: the same parts, posted in order by one Send.
  EXPECT_EQ(sender->Send(m).kind, Kind::kDelivered);
  auto d = fake_.delivered();
  ASSERT_EQ(d.size(), 2 * rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(d[i].text, d[rows.size() + i].text);
}

TEST_F(SlackSenderTest, PartialFailureNamesThePart) {
  SlackSenderOptions o = Options(fake_);
  o.max_chars = 64;
  fake_.Script({FakeSlackAnswer::Ok(), FakeSlackAnswer::ServerError(502)});
  DeliveryResult r = MakeSender(o)->Send(SlackMessage(std::string(100, 'a') + "\n" + std::string(10, 'b')));
  EXPECT_EQ(r.kind, Kind::kRetry);
  EXPECT_EQ(r.error, "part 2/2: http_502");  // 64 a's, then 36 a's and the b's
}

TEST_F(SlackSenderTest, BlankOrUnaddressedMessagesAreGivenUp) {
  auto sender = MakeSender(Options(fake_));
  EXPECT_EQ(sender->Send(SlackMessage(" \n")).kind, Kind::kGiveUp);
  EXPECT_EQ(sender->Send(SlackMessage("hi", "")).kind, Kind::kGiveUp);
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(SlackSenderTest, ThroughAnHttpProxyWithBasicAuth) {
  SlackSenderOptions o = Options(fake_);
  o.api_base = "http://slack.invalid/api";  // reachable only through the proxy
  o.proxy = {"127.0.0.1", fake_.port(), "ops", "s3cret"};
  EXPECT_EQ(MakeSender(o)->Send(SlackMessage("via proxy")).kind, Kind::kDelivered);
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(calls[0].via_proxy);
  EXPECT_EQ(calls[0].proxy_authorization, "Basic b3BzOnMzY3JldA==");
  EXPECT_EQ(calls[0].text, "via proxy");
}

TEST(SlackSenderTlsTest, CertificatesAreVerified) {
  testing::TempDir dir;
  std::string cert = dir.File("cert.pem"), key = dir.File("key.pem"), out, err;
  int rc = testing::RunToEnd(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert},
      "", &out, &err);
  ASSERT_EQ(rc, 0) << err;
  FakeSlack fake(FakeSlack::Options{kBotToken, 0, cert, key});
  ASSERT_TRUE(fake.started());
  ASSERT_EQ(fake.api_base().rfind("https://", 0), 0u);

  SlackSenderOptions o = Options(fake);
  o.read_timeout_ms = 2000;
  DeliveryResult untrusted = MakeSender(o)->Send(SlackMessage("hi"));  // the system CAs do not know this cert
  EXPECT_EQ(untrusted.kind, Kind::kRetry);
  EXPECT_EQ(untrusted.error, "transport_SSLServerVerification");
  EXPECT_TRUE(fake.calls().empty());

  o.ca_cert_file = cert;
  EXPECT_EQ(MakeSender(o)->Send(SlackMessage("hi")).kind, Kind::kDelivered);
  EXPECT_EQ(fake.delivered().size(), 1u);
}

TEST(SlackSenderCreateTest, RefusesBadOptions) {
  SlackSenderOptions o;
  o.bot_token = kBotToken;
  for (const char* base : {"", "slack.com/api", "ftp://slack.com/api", "https://",
                           "https://u:p@slack.com/api", "https://slack.com/api?x=1"}) {
    o.api_base = base;
    EXPECT_FALSE(SlackSender::Create(o).ok()) << base;
  }
  o.api_base = "https://slack.com/api";
  EXPECT_TRUE(SlackSender::Create(o).ok());
  o.bot_token = "";
  EXPECT_FALSE(SlackSender::Create(o).ok());
  o.bot_token = kBotToken;
  o.proxy.host = "proxy.example";
  EXPECT_FALSE(SlackSender::Create(o).ok());
  o.proxy.port = 3128;
  EXPECT_TRUE(SlackSender::Create(o).ok());
}

TEST(SlackClassifyTest, Responses) {
  struct Case {
    int status;
    const char* retry_after;
    const char* body;
    Kind kind;
    bool maybe;
  };
  const Case cases[] = {
      {200, "", R"({"ok":true,"channel":"C1","ts":"1.2"})", Kind::kDelivered, false},
      {200, "", R"({"ok":true,"warning":"message_truncated"})", Kind::kDelivered, false},
      {200, "", R"({"ok":false,"error":"rate_limited"})", Kind::kRetry, false},
      {200, "", R"({"ok":false,"error":"internal_error"})", Kind::kRetry, false},
      {200, "", R"({"ok":false,"error":"fatal_error"})", Kind::kRetry, false},
      {200, "", R"({"ok":false,"error":"service_unavailable"})", Kind::kRetry, false},
      {200, "", R"({"ok":false,"error":"request_timeout"})", Kind::kRetry, false},
      {200, "", R"({"ok":false,"error":"not_authed"})", Kind::kReauth, false},
      {200, "", R"({"ok":false,"error":"token_expired"})", Kind::kReauth, false},
      {200, "", R"({"ok":false,"error":"account_inactive"})", Kind::kReauth, false},
      {200, "", R"({"ok":false,"error":"not_in_channel"})", Kind::kGiveUp, false},
      {200, "", R"({"ok":false,"error":"is_archived"})", Kind::kGiveUp, false},
      {200, "", R"({"ok":false,"error":"no_text"})", Kind::kGiveUp, false},
      {200, "", R"({"ok":false,"error":"invalid_blocks"})", Kind::kGiveUp, false},
      {200, "", R"({"ok":false,"error":"missing_scope"})", Kind::kGiveUp, false},
      {200, "", R"({"ok":false})", Kind::kGiveUp, false},
      {200, "", "<html>proxy page</html>", Kind::kRetry, true},
      {429, "30", "", Kind::kRetry, false},
      {502, "", "", Kind::kRetry, false},
      {504, "", "", Kind::kRetry, true},
      {408, "", "", Kind::kRetry, false},
      {401, "", "", Kind::kReauth, false},
      {407, "", "", Kind::kReauth, false},
      {404, "", "", Kind::kGiveUp, false},
      {400, "", "", Kind::kGiveUp, false},
  };
  for (const Case& c : cases) {
    DeliveryResult r = ClassifySlackResponse(c.status, c.retry_after, c.body);
    EXPECT_EQ(r.kind, c.kind) << c.status << " " << c.body;
    EXPECT_EQ(r.maybe_delivered, c.maybe) << c.status << " " << c.body;
  }
  EXPECT_EQ(ClassifySlackResponse(429, "30", "").retry_after_ms.value_or(-1), 30000);
  EXPECT_FALSE(ClassifySlackResponse(429, "Wed, 21 Oct 2015 07:28:00 GMT", "").retry_after_ms.has_value());
  EXPECT_FALSE(ClassifySlackResponse(429, "-1", "").retry_after_ms.has_value());
  EXPECT_EQ(ClassifySlackResponse(429, "999999999", "").retry_after_ms.value_or(-1), 24L * 3600 * 1000);
}

TEST(SlackClassifyTest, TransportErrors) {
  EXPECT_FALSE(ClassifySlackTransportError(httplib::Error::Connection).maybe_delivered);
  EXPECT_FALSE(ClassifySlackTransportError(httplib::Error::ConnectionTimeout).maybe_delivered);
  EXPECT_FALSE(ClassifySlackTransportError(httplib::Error::SSLServerVerification).maybe_delivered);
  EXPECT_TRUE(ClassifySlackTransportError(httplib::Error::Read).maybe_delivered);
  EXPECT_EQ(ClassifySlackTransportError(httplib::Error::Read).kind, Kind::kRetry);
}

}  // namespace
}  // namespace opsbot
