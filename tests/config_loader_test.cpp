#include "bot/config_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace opsbot {
namespace {

using Vars = std::map<std::string, std::string>;

EnvLookup FakeEnv(Vars vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ConfigLoad LoadText(const std::string& text, Vars vars = {}) {
  return LoadConfigText(text, "test.yaml", FakeEnv(vars));
}

std::string Errors(const ConfigLoad& load) {
  return FormatConfigErrors("test.yaml", load.errors);
}

// The first error at `path`, or nullptr.
const ConfigError* ErrorAt(const ConfigLoad& load, const std::string& path) {
  for (const ConfigError& e : load.errors) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

bool HasNotice(const Config& c, const std::string& part) {
  for (const std::string& n : c.notices) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

void ExpectDefaultSla(const Config& c) {
  ASSERT_EQ(c.sla.size(), 4u);
  EXPECT_EQ(c.sla.at(1).ack_seconds, 15 * 60);
  EXPECT_EQ(c.sla.at(1).resolve_seconds, 4 * 3600);
  EXPECT_EQ(c.sla.at(2).ack_seconds, 30 * 60);
  EXPECT_EQ(c.sla.at(2).resolve_seconds, 8 * 3600);
  EXPECT_EQ(c.sla.at(3).ack_seconds, 4 * 3600);
  EXPECT_EQ(c.sla.at(3).resolve_seconds, 3 * 86400);
  EXPECT_EQ(c.sla.at(4).ack_seconds, 86400);
  EXPECT_EQ(c.sla.at(4).resolve_seconds, 14 * 86400);
}

const char kSlack[] = R"yaml(slack:
  signing_secret: ${SIGN}
  bot_token: ${TOKEN}
)yaml";

TEST(ConfigLoaderTest, EmptyTextGivesDefaults) {
  for (const char* text : {"", "# only a comment\n\n   # another\n"}) {
    ConfigLoad load = LoadText(text);
    ASSERT_TRUE(load.config) << Errors(load);
    const Config& c = *load.config;
    EXPECT_EQ(c.source_path, "test.yaml");
    EXPECT_EQ(c.bot_name, "opsbot");
    EXPECT_EQ(c.language, Lang::kEn);
    EXPECT_EQ(c.timezone, "UTC");
    EXPECT_EQ(c.log_level, "info");
    EXPECT_EQ(c.store.path, "./data/opsbot.db");
    EXPECT_FALSE(c.store.synchronous_full);
    EXPECT_TRUE(c.people.empty());
    EXPECT_FALSE(c.slack.enabled);
    EXPECT_TRUE(HasNotice(c, "slack: off (not configured)"));
    ExpectDefaultSla(c);
  }
}

TEST(ConfigLoaderTest, ReadsEveryField) {
  ConfigLoad load = LoadText(R"yaml(bot:
  name: pager
  language: zh
  timezone: Europe/Berlin
  log_level: debug
store: {path: /tmp/x.db, synchronous: full}
people:
  - id: alice
    name: Alice Wang
    role: admin
    timezone: Asia/Shanghai
    language: en
    slack: U01ALICE
    dingtalk: {staff_id: s-1, mobile: "+8613800000001"}
    wecom: alice.wang
  - id: 张伟
teams:
  - {id: sre, name: SRE, members: [ALICE, 张伟]}
chats:
  - {id: ops, name: Ops, language: zh, timezone: Asia/Shanghai, slack: C01OPS, dingtalk: cid1, wecom: wr1}
admin_chat: ops
assignment:
  - when: {tag: db, chat: ops}
    assign: Alice
  - when: {chat: ops}
    team: sre
)yaml");
  ASSERT_TRUE(load.config) << Errors(load);
  const Config& c = *load.config;
  EXPECT_EQ(c.bot_name, "pager");
  EXPECT_EQ(c.language, Lang::kZh);
  EXPECT_EQ(c.timezone, "Europe/Berlin");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.store.path, "/tmp/x.db");
  EXPECT_TRUE(c.store.synchronous_full);
  ASSERT_EQ(c.people.size(), 2u);
  const PersonConfig& a = c.people[0];
  EXPECT_EQ(a.name, "Alice Wang");
  EXPECT_EQ(a.role, Role::kAdmin);
  EXPECT_EQ(a.timezone, "Asia/Shanghai");
  EXPECT_EQ(a.language, Lang::kEn);
  EXPECT_EQ(a.slack_user_id, "U01ALICE");
  EXPECT_EQ(a.dingtalk_staff_id, "s-1");
  EXPECT_EQ(a.dingtalk_mobile, "+8613800000001");
  EXPECT_EQ(a.wecom_userid, "alice.wang");
  EXPECT_EQ(c.people[1].name, "张伟");  // name defaults to the id
  EXPECT_EQ(c.people[1].role, Role::kMember);
  EXPECT_FALSE(c.people[1].language);
  ASSERT_EQ(c.teams.size(), 1u);
  EXPECT_EQ(c.teams[0].members, (std::vector<std::string>{"alice", "张伟"}));  // canonical ids
  ASSERT_EQ(c.chats.size(), 1u);
  EXPECT_EQ(c.chats[0].slack_channel_id, "C01OPS");
  EXPECT_EQ(c.chats[0].dingtalk_conversation_id, "cid1");
  EXPECT_EQ(c.chats[0].wecom_chat_id, "wr1");
  EXPECT_EQ(c.admin_chat, "ops");
  ASSERT_EQ(c.assignment.size(), 2u);
  EXPECT_EQ(c.assignment[0].tag, "db");
  EXPECT_EQ(c.assignment[0].chat, "ops");
  EXPECT_EQ(c.assignment[0].person, "alice");
  EXPECT_EQ(c.assignment[1].team, "sre");
  EXPECT_EQ(c.FindPerson("ALICE"), &c.people[0]);
  EXPECT_EQ(c.FindPerson("nobody"), nullptr);
  EXPECT_EQ(c.FindTeam("sre"), &c.teams[0]);
  EXPECT_EQ(c.FindChat("ops"), &c.chats[0]);
  EXPECT_EQ(c.FindChat("OPS"), nullptr);
}

TEST(ConfigLoaderTest, SubstitutesEnvironmentInsideValues) {
  ConfigLoad load = LoadText("bot:\n  name: x-${A}-y-${B}\n", {{"A", "1"}, {"B", "2"}});
  ASSERT_TRUE(load.config) << Errors(load);
  EXPECT_EQ(load.config->bot_name, "x-1-y-2");
}

TEST(ConfigLoaderTest, UnsetVariableLeavesDefaultAndAddsNotice) {
  ConfigLoad load = LoadText("bot:\n  timezone: ${OPSBOT_TZ}\n");
  ASSERT_TRUE(load.config) << Errors(load);
  EXPECT_EQ(load.config->timezone, "UTC");
  EXPECT_TRUE(HasNotice(*load.config, "OPSBOT_TZ is not set"));
}

TEST(ConfigLoaderTest, UnsetVariableInRequiredFieldIsAnError) {
  ConfigLoad load = LoadText("people:\n  - id: ${WHO}\n");
  ASSERT_FALSE(load.config);
  const ConfigError* e = ErrorAt(load, "people[0].id");
  ASSERT_NE(e, nullptr) << Errors(load);
  EXPECT_NE(e->message.find("WHO is not set"), std::string::npos);
}

TEST(ConfigLoaderTest, SlackOnWithBothSecretsAndKeepsSpecialCharacters) {
  const std::string secret = "abc:def #ghi: {x}";
  ConfigLoad load = LoadText(kSlack, {{"SIGN", secret}, {"TOKEN", "xoxb-1#2"}});
  ASSERT_TRUE(load.config) << Errors(load);
  EXPECT_TRUE(load.config->slack.enabled);
  EXPECT_EQ(load.config->slack.signing_secret, secret);
  EXPECT_EQ(load.config->slack.bot_token, "xoxb-1#2");
  EXPECT_EQ(load.config->slack.api_base, "https://slack.com/api");
  EXPECT_FALSE(HasNotice(*load.config, "slack"));
}

TEST(ConfigLoaderTest, SlackOffWhenASecretIsUnsetOrEmpty) {
  ConfigLoad unset = LoadText(kSlack, {{"TOKEN", "xoxb-secret-token"}});
  ASSERT_TRUE(unset.config) << Errors(unset);
  EXPECT_FALSE(unset.config->slack.enabled);
  EXPECT_TRUE(unset.config->slack.bot_token.empty());
  EXPECT_TRUE(HasNotice(*unset.config, "slack: off (SIGN is not set)"));

  ConfigLoad empty = LoadText(kSlack, {{"SIGN", "s3cr3t-value"}, {"TOKEN", ""}});
  ASSERT_TRUE(empty.config) << Errors(empty);
  EXPECT_FALSE(empty.config->slack.enabled);
  EXPECT_TRUE(HasNotice(*empty.config, "slack: off (TOKEN"));
  EXPECT_FALSE(HasNotice(*empty.config, "s3cr3t-value"));
}

TEST(ConfigLoaderTest, DingTalkIsOnWithBothSecretsAndReadsItsSettings) {
  const char* kDingTalk = R"(dingtalk:
  app_key: ${DT_KEY}
  app_secret: ${DT_SECRET}
  api_base: http://127.0.0.1:9/
  session_webhook_hosts: [oapi.dingtalk.com, 127.0.0.1]
  window_ms: 60000
  pace_ms: 50
)";
  ConfigLoad on = LoadText(kDingTalk, {{"DT_KEY", "dingkey"}, {"DT_SECRET", "dingsecret"}});
  ASSERT_TRUE(on.config) << Errors(on);
  const DingTalkConfig& d = on.config->dingtalk;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.app_key, "dingkey");
  EXPECT_EQ(d.app_secret, "dingsecret");
  EXPECT_EQ(d.api_base, "http://127.0.0.1:9");
  EXPECT_EQ(d.session_webhook_hosts, (std::vector<std::string>{"oapi.dingtalk.com", "127.0.0.1"}));
  EXPECT_EQ(d.window_ms, 60000);
  EXPECT_EQ(d.pace_ms, 50);

  ConfigLoad off = LoadText(kDingTalk, {{"DT_KEY", "dingkey"}});
  ASSERT_TRUE(off.config) << Errors(off);
  EXPECT_FALSE(off.config->dingtalk.enabled);
  EXPECT_TRUE(off.config->dingtalk.app_key.empty());
  EXPECT_TRUE(HasNotice(*off.config, "dingtalk: off (DT_SECRET is not set)"));

  ConfigLoad bad = LoadText(
      "dingtalk: {app_key: k, app_secret: s, session_webhook_hosts: [\"https://x/\"], window_ms: 5}\n");
  EXPECT_FALSE(bad.config);
  EXPECT_NE(Errors(bad).find("dingtalk.session_webhook_hosts[0]"), std::string::npos) << Errors(bad);
  EXPECT_NE(Errors(bad).find("dingtalk.window_ms"), std::string::npos) << Errors(bad);
}

TEST(ConfigLoaderTest, WeComSwitchesTheAppAndTheSmartBotOnSeparatelyAndMapsRobotsToChats) {
  const char* kWeCom = R"(chats:
  - {id: ops-cn, name: 运维群, wecom: wr1}
  - {id: plain, name: Plain}
wecom:
  corp_id: ${CORP}
  agent_id: 1000002
  secret: ${SECRET}
  token: ${TOKEN}
  aes_key: ${AES}
  bot_token: ${BOT_TOKEN}
  bot_aes_key: ${BOT_AES}
  api_base: http://127.0.0.1:9/
  pace_ms: 50
  robots:
    - chat: ops-cn
      key: ${ROBOT}
)";
  const std::string aes = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
  ConfigLoad on = LoadText(kWeCom, {{"CORP", "wx1"},
                                    {"SECRET", "s"},
                                    {"TOKEN", "t"},
                                    {"AES", aes},
                                    {"BOT_TOKEN", "bt"},
                                    {"BOT_AES", aes},
                                    {"ROBOT", "rk"}});
  ASSERT_TRUE(on.config) << Errors(on);
  const WeComConfig& w = on.config->wecom;
  EXPECT_TRUE(w.app_enabled);
  EXPECT_TRUE(w.bot_enabled);
  EXPECT_EQ(w.corp_id, "wx1");
  EXPECT_EQ(w.agent_id, 1000002);
  EXPECT_EQ(w.api_base, "http://127.0.0.1:9");
  EXPECT_EQ(w.pace_ms, 50);
  EXPECT_EQ(w.robot_keys, (std::map<std::string, std::vector<std::string>>{{"wr1", {"rk"}}}));

  // Only the smart bot's variables set: the app stays off, and says why; the robot's key is unset.
  ConfigLoad bot_only = LoadText(kWeCom, {{"BOT_TOKEN", "bt"}, {"BOT_AES", aes}});
  ASSERT_TRUE(bot_only.config) << Errors(bot_only);
  EXPECT_FALSE(bot_only.config->wecom.app_enabled);
  EXPECT_TRUE(bot_only.config->wecom.bot_enabled);
  EXPECT_TRUE(HasNotice(*bot_only.config, "wecom app: off (CORP is not set"));
  EXPECT_TRUE(HasNotice(*bot_only.config, "wecom: no group robot for ops-cn (ROBOT is not set)"));
  EXPECT_TRUE(bot_only.config->wecom.robot_keys.empty());
  // The corp id set but not the app's secret: the app is off, and nothing of it is kept (the sender's sign).
  ConfigLoad half = LoadText(kWeCom, {{"CORP", "wx1"}, {"BOT_TOKEN", "bt"}, {"BOT_AES", aes}});
  ASSERT_TRUE(half.config) << Errors(half);
  EXPECT_FALSE(half.config->wecom.app_enabled);
  EXPECT_TRUE(half.config->wecom.corp_id.empty());

  // A key that is not 43 letters and digits, and a robot for a chat without a wecom chatid, are errors;
  // the key itself is never echoed.
  ConfigLoad bad = LoadText(kWeCom, {{"CORP", "wx1"},
                                     {"SECRET", "s"},
                                     {"TOKEN", "t"},
                                     {"AES", "short+key"},
                                     {"BOT_TOKEN", "bt"},
                                     {"BOT_AES", aes},
                                     {"ROBOT", "rk"}});
  EXPECT_FALSE(bad.config);
  EXPECT_NE(Errors(bad).find("wecom.aes_key"), std::string::npos) << Errors(bad);
  EXPECT_EQ(Errors(bad).find("short+key"), std::string::npos) << Errors(bad);
  ConfigLoad no_chat =
      LoadText("chats:\n  - {id: plain, name: Plain}\nwecom:\n  robots:\n    - {chat: plain, key: k}\n");
  EXPECT_FALSE(no_chat.config);
  EXPECT_NE(Errors(no_chat).find("wecom.robots[0].chat"), std::string::npos) << Errors(no_chat);
}

TEST(ConfigLoaderTest, WeComResponseUrlHostsDefaultToWeComsOwnAndTakeOnlyHostNames) {
  ConfigLoad none = LoadText("wecom: {pace_ms: 50}\n");
  ASSERT_TRUE(none.config) << Errors(none);
  EXPECT_EQ(none.config->wecom.response_url_hosts, (std::vector<std::string>{"qyapi.weixin.qq.com"}));

  ConfigLoad listed = LoadText("wecom: {response_url_hosts: [qyapi.weixin.qq.com, 127.0.0.1]}\n");
  ASSERT_TRUE(listed.config) << Errors(listed);
  EXPECT_EQ(listed.config->wecom.response_url_hosts,
            (std::vector<std::string>{"qyapi.weixin.qq.com", "127.0.0.1"}));

  ConfigLoad empty = LoadText("wecom: {response_url_hosts: []}\n");  // never reply by a response_url
  ASSERT_TRUE(empty.config) << Errors(empty);
  EXPECT_TRUE(empty.config->wecom.response_url_hosts.empty());

  ConfigLoad bad = LoadText("wecom: {response_url_hosts: [\"https://qyapi.weixin.qq.com/\"]}\n");
  EXPECT_FALSE(bad.config);
  EXPECT_NE(Errors(bad).find("wecom.response_url_hosts[0]"), std::string::npos) << Errors(bad);
  EXPECT_NE(Errors(bad).find("e.g. qyapi.weixin.qq.com"), std::string::npos) << Errors(bad);
}

TEST(ConfigLoaderTest, SlackResponseUrlHostsDefaultToSlacksOwnAndTakeOnlyHostNames) {
  ConfigLoad none = LoadText("slack: {pace_ms: 50}\n");
  ASSERT_TRUE(none.config) << Errors(none);
  EXPECT_EQ(none.config->slack.response_url_hosts, (std::vector<std::string>{"hooks.slack.com"}));
  ConfigLoad listed = LoadText("slack: {response_url_hosts: [hooks.slack.com, 127.0.0.1]}\n");
  ASSERT_TRUE(listed.config) << Errors(listed);
  EXPECT_EQ(listed.config->slack.response_url_hosts,
            (std::vector<std::string>{"hooks.slack.com", "127.0.0.1"}));
  ConfigLoad bad = LoadText("slack: {response_url_hosts: [\"hooks.slack.com:443\"]}\n");
  EXPECT_FALSE(bad.config);
  EXPECT_NE(Errors(bad).find("slack.response_url_hosts[0]"), std::string::npos) << Errors(bad);
}

TEST(ConfigLoaderTest, OutboxLimitsAndSeveralRobotsForOneChat) {
  ConfigLoad ok = LoadText(R"yaml(chats:
  - {id: ops, name: Ops, wecom: wr1, dingtalk: cid1}
wecom:
  robots:
    - {chat: ops, key: k1}
    - {chat: ops, key: k2}
dingtalk:
  robots:
    - {chat: ops, access_token: t1}
    - {chat: ops, access_token: t2, secret: SECx}
outbox:
  limits:
    dingtalk_robot: 20 per 6s
    wecom_robot: 10 per 1m burst 2
)yaml");
  ASSERT_TRUE(ok.config) << Errors(ok);
  EXPECT_EQ(ok.config->wecom.robot_keys.at("wr1"), (std::vector<std::string>{"k1", "k2"}));
  ASSERT_EQ(ok.config->dingtalk.robots.at("cid1").size(), 2u);
  EXPECT_EQ(ok.config->dingtalk.robots.at("cid1")[1].secret, "SECx");
  const auto& limits = ok.config->outbox.limits;
  EXPECT_EQ(limits.at("dingtalk_robot").window_ms, 6000);
  EXPECT_EQ(limits.at("dingtalk_robot").burst, 5);
  EXPECT_EQ(limits.at("wecom_robot").count, 10);
  EXPECT_EQ(limits.at("wecom_robot").burst, 2);
  EXPECT_EQ(limits.at("slack_channel").window_ms, 1000);  // untouched: the default

  ConfigLoad bad =
      LoadText("outbox:\n  limits:\n    dingtalk_robot: 20 a minute\n    wecom_robots: 1 per 1s\n");
  EXPECT_FALSE(bad.config);
  EXPECT_NE(Errors(bad).find("outbox.limits.dingtalk_robot: expected a limit like \"20 per 1m\""),
            std::string::npos)
      << Errors(bad);
  EXPECT_NE(Errors(bad).find("wecom_robots"), std::string::npos) << Errors(bad);
}

TEST(ConfigLoaderTest, ValuesFromEnvironmentAreNeverEchoed) {
  const std::string leak = "Leaky/Value123";
  ConfigLoad load = LoadText(R"yaml(bot:
  timezone: ${TZV}
  language: ${TZV}
people:
  - id: ${TZV}
    role: ${TZV}
slack:
  signing_secret: {nested: map}
  bot_token: ${TOKEN}
  api_base: ${TZV}
)yaml",
                             {{"TZV", leak}, {"TOKEN", "tok"}});
  ASSERT_FALSE(load.config);
  EXPECT_NE(ErrorAt(load, "bot.timezone"), nullptr);
  EXPECT_NE(ErrorAt(load, "people[0].role"), nullptr);
  EXPECT_NE(ErrorAt(load, "slack.api_base"), nullptr);
  const std::string all = Errors(load);
  EXPECT_EQ(all.find(leak), std::string::npos) << all;
  EXPECT_EQ(all.find("Leaky"), std::string::npos) << all;
}

TEST(ConfigLoaderTest, BadLiteralValuesAreQuoted) {
  ConfigLoad load = LoadText("bot:\n  timezone: Mars/Base\n");
  ASSERT_FALSE(load.config);
  const ConfigError* e = ErrorAt(load, "bot.timezone");
  ASSERT_NE(e, nullptr) << Errors(load);
  EXPECT_EQ(e->line, 2);
  EXPECT_NE(e->message.find("unknown time zone 'Mars/Base'"), std::string::npos) << e->message;
}

TEST(ConfigLoaderTest, ErrorsCarryPathAndLine) {
  ConfigLoad load = LoadText(R"yaml(people:
  - id: alice
  - id: bob
    timezone: Nowhere/City
)yaml");
  ASSERT_FALSE(load.config);
  ASSERT_EQ(load.errors.size(), 1u) << Errors(load);
  EXPECT_EQ(load.errors[0].path, "people[1].timezone");
  EXPECT_EQ(load.errors[0].line, 4);
  EXPECT_EQ(Errors(load),
            "test.yaml:4: people[1].timezone: unknown time zone 'Nowhere/City' "
            "(expected an IANA name like Asia/Shanghai)\n");
}

TEST(ConfigLoaderTest, UnknownKeysAreNamedWithSuggestion) {
  ConfigLoad load = LoadText(R"yaml(people:
  - id: alice
    rol: admin
  - id: bob
    名字: Bob
    Role: admin
colour: blue
)yaml");
  ASSERT_FALSE(load.config);
  const ConfigError* rol = ErrorAt(load, "people[0].rol");
  ASSERT_NE(rol, nullptr) << Errors(load);
  EXPECT_EQ(rol->line, 3);
  EXPECT_NE(rol->message.find("unknown key 'rol'"), std::string::npos);
  EXPECT_NE(rol->message.find("did you mean 'role'?"), std::string::npos);
  const ConfigError* colour = ErrorAt(load, "colour");
  ASSERT_NE(colour, nullptr) << Errors(load);
  EXPECT_NE(colour->message.find("unknown key 'colour'"), std::string::npos);
  EXPECT_EQ(colour->message.find("did you mean"), std::string::npos);
  // Two characters from 'id' are not a near miss of it; a key in the wrong case is one of 'role'.
  const ConfigError* chinese = ErrorAt(load, "people[1].名字");
  ASSERT_NE(chinese, nullptr) << Errors(load);
  EXPECT_EQ(chinese->message.find("did you mean"), std::string::npos) << chinese->message;
  const ConfigError* upper = ErrorAt(load, "people[1].Role");
  ASSERT_NE(upper, nullptr) << Errors(load);
  EXPECT_NE(upper->message.find("did you mean 'role'?"), std::string::npos) << upper->message;
}

TEST(ConfigLoaderTest, DuplicateKeysAreErrors) {
  ConfigLoad load = LoadText("bot:\n  name: a\n  language: en\n  name: b\n");
  ASSERT_FALSE(load.config);
  const ConfigError* e = ErrorAt(load, "bot.name");
  ASSERT_NE(e, nullptr) << Errors(load);
  EXPECT_EQ(e->line, 4);
  EXPECT_NE(e->message.find("duplicate key 'name' (first at line 2)"), std::string::npos) << e->message;
}

TEST(ConfigLoaderTest, WrongTypesAreErrors) {
  ConfigLoad load = LoadText(R"yaml(bot:
  name: {first: a}
people:
  id: alice
teams: plain
sla: [p1]
)yaml");
  ASSERT_FALSE(load.config);
  ASSERT_NE(ErrorAt(load, "bot.name"), nullptr) << Errors(load);
  EXPECT_NE(ErrorAt(load, "bot.name")->message.find("got a map"), std::string::npos);
  ASSERT_NE(ErrorAt(load, "people"), nullptr);
  EXPECT_NE(ErrorAt(load, "people")->message.find("expected a list"), std::string::npos);
  ASSERT_NE(ErrorAt(load, "teams"), nullptr);
  ASSERT_NE(ErrorAt(load, "sla"), nullptr);
  EXPECT_NE(ErrorAt(load, "sla")->message.find("expected a map"), std::string::npos);

  ConfigLoad top = LoadText("- a\n- b\n");
  ASSERT_FALSE(top.config);
  EXPECT_EQ(top.errors.size(), 1u);
}

TEST(ConfigLoaderTest, BadEnumValuesAreErrors) {
  ConfigLoad load = LoadText(R"yaml(bot: {language: fr, log_level: loud}
store: {synchronous: sometimes}
people:
  - {id: a, role: boss, language: de}
chats:
  - {id: c, language: xx}
)yaml");
  ASSERT_FALSE(load.config);
  for (const char* path : {"bot.language", "bot.log_level", "store.synchronous", "people[0].role",
                           "people[0].language", "chats[0].language"}) {
    EXPECT_NE(ErrorAt(load, path), nullptr) << path << "\n" << Errors(load);
  }
  EXPECT_EQ(load.errors.size(), 6u) << Errors(load);
}

TEST(ConfigLoaderTest, HandlesAndIdsAreValidated) {
  ConfigLoad load = LoadText(R"yaml(people:
  - {id: "al ice"}
  - {id: "b@b"}
  - {id: carol, slack: C01NOPE, dingtalk: {mobile: "138-0000"}}
  - {id: dave, slack: U01DAVE}
  - {id: erin, slack: U01DAVE}
chats:
  - {id: c1, slack: U01USER}
  - {id: "#c2"}
)yaml");
  ASSERT_FALSE(load.config);
  for (const char* path : {"people[0].id", "people[1].id", "people[2].slack", "people[2].dingtalk.mobile",
                           "people[4].slack", "chats[0].slack", "chats[1].id"}) {
    EXPECT_NE(ErrorAt(load, path), nullptr) << path << "\n" << Errors(load);
  }
  EXPECT_EQ(load.errors.size(), 7u) << Errors(load);
}

TEST(ConfigLoaderTest, DuplicateIdsAreErrors) {
  ConfigLoad load = LoadText(R"yaml(people:
  - id: alice
  - id: Alice
teams:
  - id: sre
  - id: sre
chats:
  - id: ops
  - id: ops
)yaml");
  ASSERT_FALSE(load.config);
  ASSERT_NE(ErrorAt(load, "people[1].id"), nullptr) << Errors(load);
  EXPECT_NE(ErrorAt(load, "people[1].id")->message.find("people[0]"), std::string::npos);
  EXPECT_NE(ErrorAt(load, "teams[1].id"), nullptr);
  EXPECT_NE(ErrorAt(load, "chats[1].id"), nullptr);
  EXPECT_EQ(load.errors.size(), 3u) << Errors(load);
}

TEST(ConfigLoaderTest, ReferencesMustBeDeclared) {
  ConfigLoad load = LoadText(R"yaml(people: [{id: alice}]
teams:
  - {id: sre, members: [alice, ghost, alice]}
chats: [{id: ops}]
admin_chat: nowhere
assignment:
  - {when: {tag: db}, assign: nobody}
  - {when: {chat: elsewhere}, team: sre}
  - {when: {tag: x}, team: noteam}
)yaml");
  ASSERT_FALSE(load.config);
  for (const char* path : {"teams[0].members[1]", "teams[0].members[2]", "admin_chat", "assignment[0].assign",
                           "assignment[1].when.chat", "assignment[2].team"}) {
    EXPECT_NE(ErrorAt(load, path), nullptr) << path << "\n" << Errors(load);
  }
  EXPECT_EQ(load.errors.size(), 6u) << Errors(load);
  EXPECT_NE(ErrorAt(load, "admin_chat")->message.find("'nowhere'"), std::string::npos);
}

TEST(ConfigLoaderTest, AssignmentRuleShape) {
  ConfigLoad load = LoadText(R"yaml(people: [{id: bob}]
teams: [{id: sre, members: [bob]}]
assignment:
  - {when: {tag: db}, assign: bob, team: sre}
  - {when: {tag: db}}
  - {assign: bob}
  - {when: {}, assign: bob}
  - {when: {tag: db}, asign: bob}
)yaml");
  ASSERT_FALSE(load.config);
  for (const char* path : {"assignment[0]", "assignment[1]", "assignment[2].when", "assignment[3].when",
                           "assignment[4].asign"}) {
    EXPECT_NE(ErrorAt(load, path), nullptr) << path << "\n" << Errors(load);
  }
  EXPECT_NE(ErrorAt(load, "assignment[4].asign")->message.find("did you mean 'assign'?"), std::string::npos);
}

TEST(ConfigLoaderTest, PartialSlaOverridesOnlyNamedPriorities) {
  ConfigLoad load = LoadText("sla:\n  p2: {ack: 1h30m, resolve: 1d}\n  p4: {resolve: none}\n");
  ASSERT_TRUE(load.config) << Errors(load);
  const Config& c = *load.config;
  ASSERT_EQ(c.sla.size(), 4u);
  EXPECT_EQ(c.sla.at(1).ack_seconds, 15 * 60);
  EXPECT_EQ(c.sla.at(2).ack_seconds, 5400);
  EXPECT_EQ(c.sla.at(2).resolve_seconds, 86400);
  EXPECT_EQ(c.sla.at(4).ack_seconds, 86400);
  EXPECT_EQ(c.sla.at(4).resolve_seconds, 0);
}

TEST(ConfigLoaderTest, BadSlaEntriesAreErrors) {
  ConfigLoad load =
      LoadText("sla:\n  p1: {ack: 5, resolve: -5m}\n  p5: {ack: 1m}\n  p3: {ack: 2d, resolve: 1h}\n");
  ASSERT_FALSE(load.config);
  for (const char* path : {"sla.p1.ack", "sla.p1.resolve", "sla.p5", "sla.p3"}) {
    EXPECT_NE(ErrorAt(load, path), nullptr) << path << "\n" << Errors(load);
  }
  EXPECT_NE(ErrorAt(load, "sla.p1.ack")->message.find("bad duration '5'"), std::string::npos);
}

TEST(ConfigLoaderTest, SyntaxErrorIsOneErrorWithLine) {
  ConfigLoad load = LoadText("bot:\n  name: a\npeople: [\n  {id: a\n");
  ASSERT_FALSE(load.config);
  ASSERT_EQ(load.errors.size(), 1u) << Errors(load);
  EXPECT_GT(load.errors[0].line, 0);
  EXPECT_NE(load.errors[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(ConfigLoaderTest, CollectsAllErrors) {
  ConfigLoad load = LoadText(R"yaml(bot: {timezone: Mars/Base, language: fr}
people:
  - {id: a, role: boss}
  - {id: b, timezone: Nope/Nope}
admin_chat: none
sla: {p1: {ack: 5x}}
)yaml");
  ASSERT_FALSE(load.config);
  EXPECT_EQ(load.errors.size(), 6u) << Errors(load);
  for (std::size_t i = 1; i < load.errors.size(); ++i) {
    EXPECT_LE(load.errors[i - 1].line, load.errors[i].line);  // in file order
  }
}

TEST(ConfigLoaderTest, FileNotFound) {
  ConfigLoad load = LoadConfigFile("/nonexistent/opsbot.yaml", FakeEnv({}));
  ASSERT_FALSE(load.config);
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_NE(load.errors[0].message.find("cannot open"), std::string::npos);
  EXPECT_EQ(
      FormatConfigErrors("/nonexistent/opsbot.yaml", load.errors).rfind("/nonexistent/opsbot.yaml: ", 0), 0u);
}

TEST(ConfigLoaderTest, LoadsFileAndSetsSourcePath) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "opsbot_config_loader_test.yaml";
  {
    std::ofstream out(path);
    out << "bot:\n  name: filebot\n";
  }
  ConfigLoad load = LoadConfigFile(path.string(), FakeEnv({}));
  std::filesystem::remove(path);
  ASSERT_TRUE(load.config) << Errors(load);
  EXPECT_EQ(load.config->source_path, path.string());
  EXPECT_EQ(load.config->bot_name, "filebot");
}

TEST(ConfigLoaderTest, ExampleConfigLoads) {
  const std::string path = std::string(OPSBOT_SOURCE_DIR) + "/config/opsbot.example.yaml";
  ConfigLoad load = LoadConfigFile(
      path, FakeEnv({{"OPSBOT_SLACK_SIGNING_SECRET", "sig:#1"}, {"OPSBOT_SLACK_BOT_TOKEN", "xoxb-test"}}));
  ASSERT_TRUE(load.config) << FormatConfigErrors(path, load.errors);
  const Config& c = *load.config;
  EXPECT_TRUE(c.slack.enabled);
  EXPECT_EQ(c.slack.signing_secret, "sig:#1");
  ASSERT_NE(c.FindPerson("alice"), nullptr);
  EXPECT_EQ(c.FindPerson("alice")->role, Role::kAdmin);
  EXPECT_EQ(c.FindPerson("alice")->timezone, "Asia/Shanghai");
  ASSERT_NE(c.FindPerson("zhangwei"), nullptr);
  EXPECT_EQ(c.FindPerson("zhangwei")->name, "张伟");
  EXPECT_EQ(c.FindPerson("zhangwei")->language, Lang::kZh);
  EXPECT_EQ(c.FindPerson("bob")->role, Role::kAgent);
  EXPECT_EQ(c.FindPerson("carol")->role, Role::kMember);
  ASSERT_NE(c.FindTeam("sre"), nullptr);
  EXPECT_EQ(c.FindTeam("sre")->members, (std::vector<std::string>{"alice", "bob", "zhangwei"}));
  ASSERT_NE(c.FindChat("ops-cn"), nullptr);
  EXPECT_EQ(c.FindChat("ops-cn")->name, "运维群");
  EXPECT_EQ(c.FindChat("ops-cn")->language, Lang::kZh);
  EXPECT_EQ(c.FindChat("ops-room")->language, Lang::kEn);
  EXPECT_EQ(c.admin_chat, "ops-admins");
  ExpectDefaultSla(c);
  ASSERT_EQ(c.assignment.size(), 2u);
  EXPECT_EQ(c.assignment[0].tag, "db");
  EXPECT_EQ(c.assignment[0].person, "bob");
  EXPECT_EQ(c.assignment[1].chat, "ops-cn");
  EXPECT_EQ(c.assignment[1].team, "sre");

  ConfigLoad no_env = LoadConfigFile(path, FakeEnv({}));
  ASSERT_TRUE(no_env.config) << FormatConfigErrors(path, no_env.errors);
  EXPECT_FALSE(no_env.config->slack.enabled);
  EXPECT_TRUE(HasNotice(*no_env.config, "slack: off (OPSBOT_SLACK_SIGNING_SECRET is not set"));
}

TEST(ConfigLoaderTest, ProcessEnvReadsTheEnvironment) {
  ::setenv("OPSBOT_CONFIG_LOADER_TEST_VAR", "v:1", 1);
  EnvLookup env = ProcessEnv();
  EXPECT_EQ(env("OPSBOT_CONFIG_LOADER_TEST_VAR"), "v:1");
  ::unsetenv("OPSBOT_CONFIG_LOADER_TEST_VAR");
  EXPECT_EQ(env("OPSBOT_CONFIG_LOADER_TEST_VAR"), std::nullopt);
}

TEST(ConfigLoaderTest, FormatConfigErrorsOmitsEmptyParts) {
  std::vector<ConfigError> errors = {{"bot.name", 3, "bad"}, {"", 0, "cannot open"}, {"", 7, "syntax"}};
  EXPECT_EQ(FormatConfigErrors("c.yaml", errors),
            "c.yaml:3: bot.name: bad\nc.yaml: cannot open\nc.yaml:7: syntax\n");
}

TEST(ParseDurationSecondsTest, AcceptsUnitsAndCombinations) {
  EXPECT_EQ(ParseDurationSeconds("30s"), 30);
  EXPECT_EQ(ParseDurationSeconds("15m"), 900);
  EXPECT_EQ(ParseDurationSeconds("4h"), 4 * 3600);
  EXPECT_EQ(ParseDurationSeconds("3d"), 3 * 86400);
  EXPECT_EQ(ParseDurationSeconds("1w"), 7 * 86400);
  EXPECT_EQ(ParseDurationSeconds("1h30m"), 5400);
  EXPECT_EQ(ParseDurationSeconds("1d2h3m4s"), 86400 + 7200 + 180 + 4);
}

TEST(ParseDurationSecondsTest, RejectsBadInput) {
  for (const char* bad :
       {"", "0m", "0h0m", "-5m", "5", "5x", "m", "1h30", "30m1h", "1h1h", " 5m", "5m ", "5M", "1.5h", "+5m",
        "99999999999999999999s", "9223372036854775807m", "15250284452472w"}) {
    EXPECT_EQ(ParseDurationSeconds(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace opsbot
