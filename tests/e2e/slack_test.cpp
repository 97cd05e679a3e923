// End-to-end: signed Slack requests into the real server, replies out through the outbox to a fake Slack
// API, with failures, pacing, replays and a kill -9 with messages pending.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <set>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "adapters/slack/slack_signature.h"
#include "tests/support/fake_slack.h"
#include "tests/support/opsbot_server.h"

namespace opsbot::testing {
namespace {

using ::testing::HasSubstr;

const char* kSlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const char* kSlackBotToken = "xoxb-test-token";

// The demo config pointed at the fake Slack, with a fast pace for the test.
std::string SlackConfig(const OpsbotEnv& env, const FakeSlack& fake, int pace_ms) {
  std::string yaml = ServeConfig(env);
  yaml = std::regex_replace(yaml, std::regex("api_base: https://slack.com/api"),
                            "api_base: " + fake.api_base() + "\n  pace_ms: " + std::to_string(pace_ms));
  std::string listed = std::regex_replace(yaml, std::regex(R"(response_url_hosts: \[hooks\.slack\.com\])"),
                                          "response_url_hosts: [127.0.0.1]");
  EXPECT_NE(listed, yaml) << "the demo config no longer lists slack.response_url_hosts";
  return listed + "\noutbox:\n  max_attempts: 20\n";
}

std::vector<std::string> SlackEnv() {
  return {std::string("OPSBOT_SLACK_SIGNING_SECRET=") + kSlackSecret,
          std::string("OPSBOT_SLACK_BOT_TOKEN=") + kSlackBotToken};
}

httplib::Result PostSlackSigned(const OpsbotServer& server, const std::string& path, const std::string& body,
                                const std::string& content_type, long ts_offset = 0,
                                const std::string& secret = kSlackSecret) {
  std::string ts = std::to_string(std::time(nullptr) + ts_offset);
  httplib::Headers h = {{"X-Slack-Request-Timestamp", ts},
                        {"X-Slack-Signature", SlackSignature(secret, ts, body)}};
  return server.Client()->Post(path.c_str(), h, body, content_type.c_str());
}

std::string MentionEvent(const std::string& event_id, const std::string& text, const std::string& ts,
                         const std::string& user = "U0FAKEALICE") {
  nlohmann::json j = {{"type", "event_callback"},
                      {"team_id", "T1"},
                      {"api_app_id", "A1"},
                      {"event_id", event_id},
                      {"event_time", 1},
                      {"authorizations", {{{"user_id", "UBOT"}, {"is_bot", true}}}},
                      {"event",
                       {{"type", "app_mention"},
                        {"user", user},
                        {"channel", "C0FAKEOPS"},
                        {"text", "<@UBOT> " + text},
                        {"ts", ts}}}};
  return j.dump();
}

std::string SlashForm(const std::string& trigger, const std::string& text,
                      const std::string& response_url = "http://127.0.0.1:1/x",
                      const std::string& user = "U0FAKEBOB") {
  return "token=x&team_id=T1&team_domain=t&channel_id=C0FAKEOPS&channel_name=ops&user_id=" + user +
         "&user_name="
         "bob"
         "&command=%2Fops&text=" +
         text + "&response_url=" + httplib::detail::encode_query_param(response_url) +
         "&trigger_id=" + trigger;
}

TEST(SlackE2E, SignedMentionAndSlashCommandCreateTicketsAndRepliesArrive) {
  FakeSlack fake({kSlackBotToken, 0, "", ""});
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 100));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();

  auto r =
      PostSlackSigned(server, "/slack/events",
                      MentionEvent("Ev1", "ticket new Disk full on db-3 p1", "111.1"), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake.WaitForDelivered(1, 5000));
  auto calls = fake.delivered();
  EXPECT_EQ(calls[0].channel, "C0FAKEOPS");
  EXPECT_EQ(calls[0].thread_ts, "111.1");
  EXPECT_THAT(calls[0].text, HasSubstr("Created T-1 [P1]: Disk full on db-3"));
  EXPECT_EQ(calls[0].authorization, std::string("Bearer ") + kSlackBotToken);

  r = PostSlackSigned(server, "/slack/commands", SlashForm("trig1", "ticket+new+VPN+down+p2"),
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto body = BodyJson(r);
  EXPECT_EQ(body["response_type"], "in_channel");
  EXPECT_THAT(body["text"].get<std::string>(), HasSubstr("Created T-2 [P2]: VPN down"));

  // The replay of the same signed slash command inside the window creates nothing.
  r = PostSlackSigned(server, "/slack/commands", SlashForm("trig1", "ticket+new+VPN+down+p2"),
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A redelivered event (same event_id, retry header) creates nothing either.
  std::string again = MentionEvent("Ev1", "ticket new Disk full on db-3 p1", "111.1");
  std::string ts = std::to_string(std::time(nullptr));
  httplib::Headers h = {{"X-Slack-Request-Timestamp", ts},
                        {"X-Slack-Signature", SlackSignature(kSlackSecret, ts, again)},
                        {"X-Slack-Retry-Num", "1"},
                        {"X-Slack-Retry-Reason", "http_timeout"}};
  r = server.Client()->Post("/slack/events", h, again, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // Slack's mention picker sends <@U…>: it names the person with that Slack id.
  r = PostSlackSigned(server, "/slack/commands",
                      SlashForm("trig2", "ticket+assign+T-1+%3C%40U0FAKEBOB%7Cbob%3E"),
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_THAT(BodyJson(r)["text"].get<std::string>(), HasSubstr("T-1 is now assigned to"));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(
      env.Count("SELECT count(*) FROM tickets WHERE assignee_id = (SELECT id FROM people WHERE key = 'bob')"),
      1);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 2);
  EXPECT_EQ(env.Count("SELECT count(*) FROM dedupe_keys"), 3);
  EXPECT_EQ(fake.delivered().size(), 1u);
}

TEST(SlackE2E, ForgedStaleAndUnsignedRequestsAre401AndChangeNothing) {
  FakeSlack fake;
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 100));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();
  std::string body = MentionEvent("Ev9", "ticket new forged", "1.1");
  auto r = PostSlackSigned(server, "/slack/events", body, "application/json", 0, "wrong-secret");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = PostSlackSigned(server, "/slack/events", body, "application/json", -600);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = server.Client()->Post("/slack/events", body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  // Signed, then tampered with.
  std::string ts = std::to_string(std::time(nullptr));
  httplib::Headers h = {{"X-Slack-Request-Timestamp", ts},
                        {"X-Slack-Signature", SlackSignature(kSlackSecret, ts, body)}};
  std::string tampered = std::regex_replace(body, std::regex("forged"), "tampered");
  r = server.Client()->Post("/slack/events", h, tampered, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  // url_verification answers the challenge only when signed.
  std::string challenge = R"({"token":"x","challenge":"c-123","type":"url_verification"})";
  r = PostSlackSigned(server, "/slack/events", challenge, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(BodyJson(r)["challenge"], "c-123");
  EXPECT_THAT(server.process().ReadStderrUntil("mismatch signature", 2000), HasSubstr("slack: refused"));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 0);
}

TEST(SlackE2E, EveryReplyArrivesInOrderAtThePaceThroughFailures) {
  FakeSlack fake({kSlackBotToken, 200, "", ""});
  // 429, 5xx, ok:false retryable, a hang past the read timeout: each message still arrives.
  fake.Script({FakeSlackAnswer::RateLimited(1), FakeSlackAnswer::ServerError(503),
               FakeSlackAnswer::Error("internal_error"), FakeSlackAnswer::Hang(12000)});
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 200));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();
  const int n = 8;
  for (int i = 0; i < n; ++i) {
    auto r = PostSlackSigned(server, "/slack/events",
                             MentionEvent("Ev" + std::to_string(i), "ticket new order " + std::to_string(i),
                                          "1." + std::to_string(i)),
                             "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  // Every message, and a duplicate only of the one the fake hung on: wait for the last one to land.
  for (int waited = 0; waited < 60000; waited += 100) {
    auto all = fake.delivered();
    if (!all.empty() && all.back().text.find("order " + std::to_string(n - 1)) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(server.Stop(), 0);
  auto delivered = fake.delivered();
  // In order; a message the fake hung on may arrive twice (Slack has no idempotency key): count them.
  std::vector<int> seen;
  int duplicates = 0;
  for (const auto& c : delivered) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(c.text, m, std::regex("order ([0-9]+)"))) << c.text;
    int k = std::stoi(m[1].str());
    if (!seen.empty() && seen.back() == k) {
      ++duplicates;
      continue;
    }
    seen.push_back(k);
  }
  std::vector<int> expected;
  for (int i = 0; i < n; ++i)
    expected.push_back(i);
  EXPECT_EQ(seen, expected);
  EXPECT_LE(duplicates, 1);
  EXPECT_EQ(fake.pace_violations(), 0);
  for (std::size_t i = 1; i < delivered.size(); ++i)
    EXPECT_GE(delivered[i].received - delivered[i - 1].received, std::chrono::milliseconds(190));
}

TEST(SlackE2E, KillNineWithMessagesPendingDeliversThemAfterRestart) {
  FakeSlack fake({kSlackBotToken, 0, "", ""});
  fake.Script({FakeSlackAnswer::Hang(3000)});  // the first send is in flight when we kill
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 300));
  const int n = 6;
  {
    OpsbotServer server(env, SlackEnv());
    ASSERT_TRUE(server.started()) << server.error();
    for (int i = 0; i < n; ++i) {
      auto r =
          PostSlackSigned(server, "/slack/events",
                          MentionEvent("EvK" + std::to_string(i), "ticket new pending " + std::to_string(i),
                                       "2." + std::to_string(i)),
                          "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200);
    }
    EXPECT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
  }
  EXPECT_GE(env.Count("SELECT count(*) FROM outbox WHERE state = 'pending'"), n - 1);
  OpsbotServer again(env, SlackEnv());
  ASSERT_TRUE(again.started()) << again.error();
  // Every message once, and the one in flight at the kill perhaps twice: wait for n different ones (n
  // deliveries alone may be n - 1 messages and that duplicate).
  std::set<int> got;
  int duplicates = 0;
  for (int tries = 0; tries < 300 && got.size() < static_cast<std::size_t>(n); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got.clear();
    duplicates = 0;
    for (const auto& c : fake.delivered()) {
      std::smatch m;
      ASSERT_TRUE(std::regex_search(c.text, m, std::regex("pending ([0-9]+)")));
      if (!got.insert(std::stoi(m[1].str())).second) ++duplicates;
    }
  }
  EXPECT_EQ(again.Stop(), 0);
  EXPECT_EQ(got.size(), static_cast<std::size_t>(n));
  EXPECT_LE(duplicates, 1);  // only the one in flight at the kill
  EXPECT_EQ(env.Count("SELECT count(*) FROM outbox WHERE state = 'pending'"), 0);
}

// Posts a slash command while another connection holds the database's write lock, so that opsbot's writer
// waits (its busy timeout is 5 s) past Slack's 3 s; releases the lock once the answer is in.
struct SlowSlash {
  httplib::Result response;
  std::chrono::steady_clock::duration took{};
  std::size_t calls_while_locked = 0;  // what reached the fake Slack before the command could commit
};

SlowSlash PostSlowSlash(const OpsbotEnv& env, const OpsbotServer& server, const FakeSlack& fake,
                        const std::string& trigger, const std::string& response_url) {
  SQLite::Database blocker(env.db_path(), SQLite::OPEN_READWRITE);
  blocker.exec("BEGIN IMMEDIATE");
  auto start = std::chrono::steady_clock::now();
  SlowSlash slow{
      PostSlackSigned(server, "/slack/commands", SlashForm(trigger, "ticket+new+Slow+disk+p2", response_url),
                      "application/x-www-form-urlencoded"),
      {}};
  slow.took = std::chrono::steady_clock::now() - start;
  slow.calls_while_locked = fake.calls().size();
  blocker.exec("COMMIT");
  return slow;
}

// A slash command whose commit cannot finish within Slack's 3 s is acknowledged in time with an empty 200;
// its reply follows at response_url once the command has committed, exactly once.
TEST(SlackE2E, ASlowSlashCommandIsAcknowledgedInTimeAndRepliesAtItsResponseUrl) {
  FakeSlack fake({kSlackBotToken, 0, "", ""});
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 100));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();

  auto slow = PostSlowSlash(env, server, fake, "slow1", fake.response_url("slow1"));
  ASSERT_TRUE(slow.response);
  EXPECT_EQ(slow.response->status, 200);
  EXPECT_EQ(slow.response->body, "");
  EXPECT_LT(slow.took, std::chrono::milliseconds(3000));
  EXPECT_GE(slow.took, std::chrono::milliseconds(2000));
  EXPECT_EQ(slow.calls_while_locked, 0u);

  ASSERT_TRUE(fake.WaitForDelivered(1, 10000));
  auto calls = fake.delivered();
  EXPECT_TRUE(calls[0].response_url);
  EXPECT_EQ(calls[0].path, "/commands/slow1");
  EXPECT_THAT(calls[0].text, HasSubstr("Created T-1 [P2]: Slow disk"));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 1);
  EXPECT_EQ(fake.delivered().size(), 1u);
}

// A response_url off slack.response_url_hosts is never called: the late reply goes to the channel instead.
TEST(SlackE2E, ASlowSlashCommandsResponseUrlOffTheListIsIgnoredAndTheReplyGoesToTheChannel) {
  FakeSlack fake({kSlackBotToken, 0, "", ""});
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 100));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();

  auto slow = PostSlowSlash(env, server, fake, "slow2", "https://hooks.example.com/commands/T1/slow2");
  ASSERT_TRUE(slow.response);
  EXPECT_EQ(slow.response->status, 200);

  ASSERT_TRUE(fake.WaitForDelivered(1, 10000));
  auto calls = fake.delivered();
  EXPECT_FALSE(calls[0].response_url);
  EXPECT_EQ(calls[0].channel, "C0FAKEOPS");
  EXPECT_THAT(calls[0].text, HasSubstr("Created T-1 [P2]: Slow disk"));
  server.ReadLog(300);
  EXPECT_THAT(server.process().err(), HasSubstr("a response_url off the allow-list was ignored"));
  EXPECT_THAT(server.process().err(), ::testing::Not(HasSubstr("hooks.example.com")));
  EXPECT_EQ(server.Stop(), 0);
}

// In time, the reply is in the HTTP response and nothing goes to response_url.
TEST(SlackE2E, AFastSlashCommandAnswersInTheResponseOnly) {
  FakeSlack fake({kSlackBotToken, 0, "", ""});
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 100));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();
  auto r = PostSlackSigned(server, "/slack/commands",
                           SlashForm("fast1", "ticket+new+Fast+disk", fake.response_url("fast1")),
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_THAT(BodyJson(r)["text"].get<std::string>(), HasSubstr("Created T-1 [P3]: Fast disk"));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM outbox"), 0);
  EXPECT_TRUE(fake.calls().empty());
}

// A Slack user the config does not name is a member, named by their Slack handle, answered in the language
// of their Slack locale (users.info, asked once), with their time zone kept on the row.
TEST(SlackE2E, AnUnknownSlackUserIsAnsweredInTheirLanguageAndNamedByTheirHandle) {
  FakeSlack fake({kSlackBotToken, 0, "", ""});
  fake.AddUser("U0NEWLI", "lihua", "zh-CN", "Asia/Shanghai");
  OpsbotEnv env;
  env.WriteConfig(SlackConfig(env, fake, 1));
  OpsbotServer server(env, SlackEnv());
  ASSERT_TRUE(server.started()) << server.error();

  // English words in an English chat: the reply is still in Chinese, the language of lihua's Slack.
  auto r =
      PostSlackSigned(server, "/slack/events",
                      MentionEvent("EvLi1", "ticket new Disk full", "200.1", "U0NEWLI"), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake.WaitForDelivered(1, 5000));
  EXPECT_THAT(fake.delivered()[0].text, HasSubstr("已创建工单 T-1 [P3]"));

  // Known now: a slash command asks users.info no more, and is answered in Chinese too.
  r = PostSlackSigned(server, "/slack/commands",
                      SlashForm("trigLi", "ticket+show+T-1", "http://127.0.0.1:1/x", "U0NEWLI"),
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_THAT(BodyJson(r)["text"].get<std::string>(), HasSubstr("T-1"));
  EXPECT_THAT(BodyJson(r)["text"].get<std::string>(), HasSubstr("报告人"));
  EXPECT_EQ(fake.users_info_calls(), 1);

  // Someone users.info does not know is still a member, by their Slack id, in the chat's language.
  r = PostSlackSigned(server, "/slack/events",
                      MentionEvent("EvX1", "ticket new Fan noise", "200.2", "U0GHOST"), "application/json");
  ASSERT_TRUE(r);
  ASSERT_TRUE(fake.WaitForDelivered(2, 5000));
  EXPECT_THAT(fake.delivered()[1].text, HasSubstr("Created T-2 [P3]: Fan noise"));
  EXPECT_EQ(server.Stop(), 0);

  EXPECT_EQ(env.Count("SELECT count(*) FROM people WHERE key = 'lihua' AND slack_user_id = 'U0NEWLI' AND "
                      "language = 'zh' AND timezone = 'Asia/Shanghai' AND role = 'member'"),
            1);
  EXPECT_EQ(env.Count("SELECT count(*) FROM people WHERE key = 'slack:U0GHOST' AND role = 'member'"), 1);
  EXPECT_EQ(fake.users_info_calls(), 2);
}

// Rotating the bot token and the signing secret in the config takes effect on SIGHUP, without a restart.
TEST(SlackE2E, AReloadRotatesTheBotTokenAndTheSigningSecret) {
  FakeSlack fake({"", 0, "", ""});
  OpsbotEnv env;
  std::string yaml = SlackConfig(env, fake, 1);
  auto with = [&](const std::string& secret, const std::string& token) {
    std::string y = std::regex_replace(yaml, std::regex(R"(\$\{OPSBOT_SLACK_SIGNING_SECRET\})"), secret);
    return std::regex_replace(y, std::regex(R"(\$\{OPSBOT_SLACK_BOT_TOKEN\})"), token);
  };
  env.WriteConfig(with(kSlackSecret, "xoxb-old"));
  OpsbotServer server(env, {});
  ASSERT_TRUE(server.started()) << server.error();
  auto r = PostSlackSigned(server, "/slack/events", MentionEvent("EvR1", "ticket new one", "300.1"),
                           "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake.WaitForDelivered(1, 5000));
  EXPECT_EQ(fake.delivered()[0].authorization, "Bearer xoxb-old");

  const std::string new_secret = "0123456789abcdef0123456789abcdef";
  env.WriteConfig(with(new_secret, "xoxb-new"));
  server.process().Signal(SIGHUP);
  server.process().ReadStderrUntil("config reloaded");
  r = PostSlackSigned(server, "/slack/events", MentionEvent("EvR2", "ticket new two", "300.2"),
                      "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);  // the old secret no longer signs
  r = PostSlackSigned(server, "/slack/events", MentionEvent("EvR3", "ticket new three", "300.3"),
                      "application/json", 0, new_secret);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(fake.WaitForDelivered(2, 5000));
  EXPECT_EQ(fake.delivered()[1].authorization, "Bearer xoxb-new");
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_EQ(env.Count("SELECT count(*) FROM tickets"), 2);
}

}  // namespace
}  // namespace opsbot::testing
