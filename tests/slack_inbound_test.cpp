#include "adapters/slack/slack_inbound.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "adapters/slack/slack_text.h"
#include "bot/url_encoding.h"

namespace opsbot {
namespace {

using ::testing::HasSubstr;

// An Events API envelope around `event` (a JSON object), as Slack sends it for an app with bot user UBOT.
std::string Envelope(const std::string& event, const std::string& authorizations =
                                                   R"([{"team_id":"T1","user_id":"UBOT","is_bot":true}])") {
  return R"({"token":"tok","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev01",)"
         R"("event_time":1700000000,"authorizations":)" +
         authorizations + R"(,"event":)" + event + "}";
}

SlackInbound MustParseEvent(const std::string& body) {
  auto r = ParseSlackEvent(body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SlackInbound();
}

TEST(SlackInboundTest, UrlVerificationGivesTheChallenge) {
  auto in = MustParseEvent(
      R"({"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})");
  EXPECT_EQ(in.kind, SlackInbound::kUrlVerification);
  EXPECT_EQ(in.challenge, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  EXPECT_FALSE(ParseSlackEvent(R"({"type":"url_verification"})").ok());
  EXPECT_FALSE(ParseSlackEvent(R"({"type":"url_verification","challenge":7})").ok());
}

TEST(SlackInboundTest, AppMentionInAChannel) {
  auto in = MustParseEvent(Envelope(
      R"({"type":"app_mention","user":"U0ALICE","text":"<@UBOT> ticket assign T-1 <@U0BOB>","ts":"1700000000.000100",)"
      R"("channel":"C0OPS","event_ts":"1700000000.000100"})"));
  ASSERT_EQ(in.kind, SlackInbound::kMessage);
  EXPECT_EQ(in.dedupe_key, "slack:event:T1:Ev01");
  EXPECT_EQ(in.channel, "C0OPS");
  EXPECT_EQ(in.thread_ts, "1700000000.000100");  // a thread under the message that asked
  const InboundMessage& m = in.message;
  EXPECT_EQ(m.channel, Channel::kSlack);
  EXPECT_EQ(m.user, "U0ALICE");
  EXPECT_EQ(m.chat, "C0OPS");
  EXPECT_EQ(m.text, "ticket assign T-1 @U0BOB");
  EXPECT_EQ(m.dedupe_key, in.dedupe_key);
  EXPECT_TRUE(m.reply_via_outbox);
  EXPECT_EQ(m.reply_platform, "slack");
  EXPECT_EQ(m.reply_channel, "C0OPS");
  EXPECT_EQ(m.reply_thread, "1700000000.000100");
}

TEST(SlackInboundTest, AppMentionInAThreadAnswersInThatThread) {
  auto in = MustParseEvent(
      Envelope(R"({"type":"app_mention","user":"U0ALICE","text":"<@UBOT> status",)"
               R"("ts":"1700000050.000200","thread_ts":"1700000000.000100","channel":"C0OPS"})"));
  EXPECT_EQ(in.thread_ts, "1700000000.000100");
  EXPECT_EQ(in.message.text, "status");
}

TEST(SlackInboundTest, ChineseTextAndLabelledMentions) {
  auto in = MustParseEvent(
      Envelope(R"({"type":"app_mention","user":"U0ALICE",)"
               R"("text":"<@UBOT|opsbot> 建单 db-3 磁盘满 p1 <@U0BOB|bob>","ts":"1.2","channel":"C0OPS"})"));
  EXPECT_EQ(in.message.text, "建单 db-3 磁盘满 p1 @U0BOB");
}

TEST(SlackInboundTest, OnlyTheBotsOwnMentionIsStripped) {
  auto in = MustParseEvent(
      Envelope(R"({"type":"app_mention","user":"U0ALICE",)"
               R"("text":"ticket assign T-1 <@U0BOB> <@UBOT> now","ts":"1.2","channel":"C1"})"));
  EXPECT_EQ(in.message.text, "ticket assign T-1 @U0BOB now");
}

TEST(SlackInboundTest, WithoutAuthorizationsAnAppMentionLosesItsFirstMention) {
  auto in = MustParseEvent(Envelope(
      R"({"type":"app_mention","user":"U0ALICE","text":"<@UOTHERBOT> oncall sre","ts":"1.2","channel":"C1"})",
      "[]"));
  EXPECT_EQ(in.message.text, "oncall sre");
  // authed_users naming exactly one user is the bot.
  std::string legacy =
      R"({"team_id":"T1","type":"event_callback","event_id":"Ev9","authed_users":["UB2"],)"
      R"("event":{"type":"app_mention","user":"U0ALICE","text":"<@U0BOB> <@UB2> x","ts":"1","channel":"C1"}})";
  EXPECT_EQ(MustParseEvent(legacy).message.text, "@U0BOB x");
}

TEST(SlackInboundTest, MarkupAndEntitiesAreDecoded) {
  auto in = MustParseEvent(Envelope(
      R"({"type":"app_mention","user":"U0A","ts":"1","channel":"C1","text":"<@UBOT> ticket new a &lt;b&gt; &amp;amp; )"
      R"(<https://grafana.example.com/d/x?a=1&amp;b=2|dash> <#C0DB|db> <!here> <mailto:a@b.c|a@b.c>"})"));
  EXPECT_EQ(in.message.text,
            "ticket new a <b> &amp; https://grafana.example.com/d/x?a=1&b=2 #C0DB @here mailto:a@b.c");
}

TEST(SlackInboundTest, DirectMessage) {
  auto in =
      MustParseEvent(Envelope(R"({"type":"message","channel_type":"im","user":"U0ALICE","text":"oncall",)"
                              R"("ts":"1700000000.000300","channel":"D0DM"})"));
  ASSERT_EQ(in.kind, SlackInbound::kMessage);
  EXPECT_EQ(in.message.chat, "D0DM");
  EXPECT_EQ(in.message.text, "oncall");
  EXPECT_EQ(in.thread_ts, "");  // a DM answers in the conversation...
  auto threaded =
      MustParseEvent(Envelope(R"({"type":"message","channel_type":"im","user":"U0ALICE","text":"x",)"
                              R"("ts":"5.6","thread_ts":"1.2","channel":"D0DM"})"));
  EXPECT_EQ(threaded.thread_ts, "1.2");  // ...or in the thread the user wrote in
  // A leading mention of the bot in a DM is stripped too.
  auto mentioned = MustParseEvent(Envelope(
      R"({"type":"message","channel_type":"im","user":"U0ALICE","text":"<@UBOT> help","ts":"1","channel":"D0DM"})"));
  EXPECT_EQ(mentioned.message.text, "help");
}

TEST(SlackInboundTest, IgnoredEvents) {
  struct Case {
    std::string event, reason;
  };
  const Case cases[] = {
      {R"({"type":"message","channel_type":"channel","user":"U0A","text":"hi","ts":"1","channel":"C1"})",
       "outside"},
      {R"({"type":"message","channel_type":"im","bot_id":"B1","user":"U0X","text":"hi","ts":"1","channel":"D1"})",
       "bot"},
      {R"({"type":"app_mention","bot_id":"B1","text":"<@UBOT> hi","ts":"1","channel":"C1"})", "bot"},
      {R"({"type":"message","subtype":"bot_message","channel_type":"im","text":"hi","ts":"1","channel":"D1"})",
       "bot"},
      {R"({"type":"message","subtype":"message_changed","channel_type":"im","ts":"1","channel":"D1"})",
       "subtype"},
      {R"({"type":"message","subtype":"channel_join","channel_type":"im","user":"U0A","ts":"1","channel":"D1"})",
       "subtype"},
      {R"({"type":"message","channel_type":"im","user":"UBOT","text":"our reply","ts":"1","channel":"D1"})",
       "own"},
      {R"({"type":"reaction_added","user":"U0A","reaction":"eyes"})", "event type 'reaction_added'"},
      {R"({"type":"app_mention","text":"<@UBOT> hi","ts":"1","channel":"C1"})", "no user"},
  };
  for (const Case& c : cases) {
    auto in = MustParseEvent(Envelope(c.event));
    EXPECT_EQ(in.kind, SlackInbound::kIgnored) << c.event;
    EXPECT_THAT(in.ignore_reason, HasSubstr(c.reason)) << c.event;
  }
  auto rate =
      MustParseEvent(R"({"token":"t","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1",)"
                     R"("type":"app_rate_limited"})");
  EXPECT_EQ(rate.kind, SlackInbound::kIgnored);
}

TEST(SlackInboundTest, ThreadBroadcastsAreMessagesAPersonWrote) {
  auto in = MustParseEvent(Envelope(R"({"type":"app_mention","subtype":"thread_broadcast","user":"U0A",)"
                                    R"("text":"<@UBOT> status","ts":"2","thread_ts":"1","channel":"C1"})"));
  EXPECT_EQ(in.kind, SlackInbound::kMessage);
}

TEST(SlackInboundTest, MalformedEnvelopesAreErrors) {
  for (const std::string& body : {
           std::string("not json"),
           std::string("[1]"),
           std::string("{}"),
           std::string(R"({"type":7})"),
           std::string(R"({"type":"event_callback","team_id":"T1","event":{"type":"app_mention"}})"),
           std::string(R"({"type":"event_callback","event_id":"Ev1","event":"x"})"),
           Envelope(R"({"type":"app_mention","user":"U0A","text":5,"ts":"1","channel":"C1"})"),
           Envelope(R"({"type":"app_mention","user":["U0A"],"text":"x","ts":"1","channel":"C1"})"),
           Envelope(R"({"type":"app_mention","user":")" + std::string(300, 'U') +
                    R"(","text":"x","channel":"C1"})"),
       })
    EXPECT_FALSE(ParseSlackEvent(body).ok()) << body;
}

// shared/protocols.md §4 T1: the official example's slash-command body.
constexpr char kT1Body[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_"
    "name="
    "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%"
    "2Fhooks."
    "slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015."
    "47445629121.803a0bc887a14d10d2c447fce8b6703c";

TEST(SlackInboundTest, SlashCommandT1) {
  auto r = ParseSlackCommand(kT1Body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, SlackInbound::kMessage);
  EXPECT_EQ(r->dedupe_key, "slack:trigger:398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
  EXPECT_EQ(r->response_url,
            "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN");
  EXPECT_EQ(r->command, "/webhook-collect");
  EXPECT_EQ(r->channel, "G8PSS9T3V");
  EXPECT_EQ(r->thread_ts, "");
  EXPECT_EQ(r->message.channel, Channel::kSlack);
  EXPECT_EQ(r->message.user, "U2CERLKJA");
  EXPECT_EQ(r->message.user_name, "roadrunner");
  EXPECT_EQ(r->message.chat, "G8PSS9T3V");
  EXPECT_EQ(r->message.text, "");
  EXPECT_EQ(r->message.dedupe_key, r->dedupe_key);
  EXPECT_FALSE(r->message.reply_via_outbox);  // the HTTP response carries it
  // A replay is the same request: the same dedupe key, which the store refuses the second time.
  EXPECT_EQ(ParseSlackCommand(kT1Body)->dedupe_key, r->dedupe_key);
}

TEST(SlackInboundTest, SlashCommandChineseTextAndMentions) {
  std::string body =
      "token=t&team_id=T1&channel_id=C0OPS&user_id=U0ALICE&user_name=alice&command=%2Fops&text=" +
      FormUrlEncode("建单 db-3 磁盘满 p1 <@U0BOB|bob>") +
      "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx&trigger_id=1.2.abc";
  auto r = ParseSlackCommand(body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->message.text, "建单 db-3 磁盘满 p1 @U0BOB");
  // '+' is a space; the bot is not stripped from a slash command's text (it has none).
  auto plus = ParseSlackCommand("channel_id=C1&user_id=U1&trigger_id=t&text=ticket+new+disk+full+%40alice");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(plus->message.text, "ticket new disk full @alice");
}

TEST(SlackInboundTest, SslCheckAndInteractivity) {
  auto ssl = ParseSlackCommand("ssl_check=1&token=abc");
  ASSERT_TRUE(ssl.ok());
  EXPECT_EQ(ssl->kind, SlackInbound::kSslCheck);
  auto payload = ParseSlackCommand("payload=%7B%22type%22%3A%22block_actions%22%7D");
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload->kind, SlackInbound::kIgnored);
}

TEST(SlackInboundTest, BadSlashCommands) {
  const char* bodies[] = {
      "channel_id=C1&user_id=U1&text=x",                     // no trigger_id
      "channel_id=C1&user_id=U1&trigger_id=",                // empty trigger_id
      "user_id=U1&trigger_id=t",                             // no channel
      "channel_id=C1&user_id=U1&trigger_id=t&text=%zz",      // bad escape
      "channel_id=C1&user_id=U1&trigger_id=t&text=50%",      // truncated escape
      "channel_id=C1&user_id=U1&trigger_id=t&text=%4",       // truncated escape
      "channel_id=C1&user_id=U1&trigger_id=t&text=%FF%FE",   // not UTF-8
      "channel_id=C1&user_id=U1&trigger_id=t&trigger_id=u",  // twice
  };
  for (const char* body : bodies)
    EXPECT_FALSE(ParseSlackCommand(body).ok()) << body;
}

TEST(SlackTextTest, DecodeSlackTextKeepsWhatIsNotMarkup) {
  EXPECT_EQ(DecodeSlackText("a <b"), "a <b");
  EXPECT_EQ(DecodeSlackText("<@> <@U1 x> <#> <nolink>"), "<@> <@U1 x> <#> <nolink>");
  EXPECT_EQ(DecodeSlackText("<<@U1>>"), "<@U1>");
  EXPECT_EQ(DecodeSlackText("&lt;@U1&gt;"), "<@U1>");  // typed text, decoded last: not a mention
  EXPECT_EQ(DecodeSlackText("&amp;lt; &quot;"), "&lt; &quot;");
  EXPECT_EQ(DecodeSlackText("<!subteam^S0SRE|@sre> <!date^1392734382^{date}|Feb 18> <!channel>"),
            "@S0SRE Feb 18 @channel");
}

TEST(SlackTextTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("abc 中文 😀"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));          // truncated
}

}  // namespace
}  // namespace opsbot
