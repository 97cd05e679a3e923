// Config: opsbot's configuration as plain values, validated.
//
// Loaded from YAML by LoadConfig (config_loader.h). A Config value is immutable once loaded and shared
// between threads as std::shared_ptr<const Config> (see ConfigHolder). Durations are in seconds; time
// zones are IANA names already checked against the tz database.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/lang.h"
#include "bot/role.h"
#include "bot/send_budget.h"

namespace opsbot {

// Durations in the config are seconds.
inline constexpr std::int64_t kMinute = 60;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;

struct PersonConfig {
  std::string id;    // the key people and commands use: @alice
  std::string name;  // display name
  Role role = Role::kMember;
  std::string timezone;  // empty: the chat's or the default
  std::optional<Lang> language;
  std::string slack_user_id;      // U…
  std::string dingtalk_staff_id;  // staffId / userid
  std::string dingtalk_mobile;    // for @-mentions in DingTalk robots
  std::string wecom_userid;
};

struct TeamConfig {
  std::string id;
  std::string name;
  std::vector<std::string> members;  // person ids, in round-robin order
};

struct ChatConfig {
  std::string id;
  std::string name;
  std::optional<Lang> language;
  std::string timezone;
  std::string slack_channel_id;          // C…
  std::string dingtalk_conversation_id;  // openConversationId
  std::string wecom_chat_id;             // chatid
};

struct SlaTarget {
  std::int64_t ack_seconds = 0;      // 0: no target
  std::int64_t resolve_seconds = 0;  // 0: no target
};

// An auto-assignment rule: when a new ticket has no explicit assignee, the first rule that matches
// assigns it. A rule matches on a tag or on the chat the ticket was opened in (or both).
struct AssignmentRule {
  std::string tag;     // match: the ticket carries this tag (empty: any)
  std::string chat;    // match: opened in this chat id (empty: any)
  std::string person;  // assign to this person, or
  std::string team;    // round-robin over this team's members
};

// A platform whose credentials come from the environment. Off while any credential is missing.
struct SlackConfig {
  bool enabled = false;
  std::string signing_secret;  // secret: never logged
  std::string bot_token;       // secret: never logged
  std::string api_base = "https://slack.com/api";
  long pace_ms = 1000;  // at most one message per channel per pace (Slack: about 1 per second per channel)
  std::string proxy;    // outbound HTTP(S) proxy, "http://host:port"; empty: none
  // A slash command's reply may go to its response_url (a URL in the signed form) only on these hosts.
  std::vector<std::string> response_url_hosts = {"hooks.slack.com"};
};

// A DingTalk custom group robot (自定义机器人): POST oapi_base/robot/send?access_token=..., signed with its
// secret (加签) when it has one. It can @ people, which the app robot's OpenAPI group send cannot.
struct DingTalkRobot {
  std::string access_token;  // secret: never logged
  std::string secret;        // secret; "" for a robot without 加签
};

// The DingTalk enterprise app robot (shared/protocols.md §2). The app's AppKey is also its robotCode.
struct DingTalkConfig {
  bool enabled = false;
  std::string app_key;
  std::string app_secret;                             // secret: never logged
  std::string api_base = "https://api.dingtalk.com";  // OpenAPI: access token and robot sends
  // A reply may go to a message's sessionWebhook (an unsigned URL in the body) only on these hosts.
  std::vector<std::string> session_webhook_hosts = {"oapi.dingtalk.com"};
  std::int64_t window_ms = 3600 * 1000;  // how far a callback's timestamp may be from now
  long pace_ms =
      0;  // least gap between two messages to one chat; the send budgets (outbox.limits) pace robots
  // A group's openConversationId → its custom robots (messages are spread over them, in config order).
  std::map<std::string, std::vector<DingTalkRobot>> robots;
  std::string oapi_base = "https://oapi.dingtalk.com";  // custom robots' webhooks
};

// WeCom (企业微信) (shared/protocols.md §3): a self-built app for 1:1 messages (callback XML in, message/send
// out), a smart bot for group @-messages (callback JSON in, its response_url out), and group robot webhooks
// for what opsbot says in a group on its own. The app and the smart bot are switched on separately, each when
// all its credentials are set.
struct WeComConfig {
  bool app_enabled = false;
  bool bot_enabled = false;
  std::string corp_id;      // also the app's receive id in its callbacks
  long agent_id = 0;        // the app's AgentId
  std::string secret;       // the app's Secret, for access tokens; secret: never logged
  std::string token;        // the app's callback Token; secret
  std::string aes_key;      // the app's callback EncodingAESKey (43 characters); secret
  std::string bot_token;    // the smart bot's callback Token; secret
  std::string bot_aes_key;  // the smart bot's callback EncodingAESKey; secret
  // A group's chatid → its robots' webhook keys (secret); messages are spread over them.
  std::map<std::string, std::vector<std::string>> robot_keys;
  std::string api_base = "https://qyapi.weixin.qq.com";
  // A smart bot reply may go to a message's response_url (a URL in the encrypted body) only on these hosts.
  std::vector<std::string> response_url_hosts = {"qyapi.weixin.qq.com"};
  long pace_ms =
      0;  // least gap between two messages to one chat; the send budgets (outbox.limits) pace robots

  bool enabled() const { return app_enabled || bot_enabled; }
};

// Delivery of everything opsbot says that does not go back in an HTTP response.
struct OutboxConfig {
  int max_attempts = 8;                        // then the message is dead (kept, listed, announced)
  std::int64_t retention_seconds = 7 * 86400;  // delivered rows and dedupe keys are pruned after this
  // How long a destination waits after its platform said "too fast" without saying for how long (DingTalk
  // 130101, WeCom 45009), between tries that do not count towards max_attempts (DingTalk blocks a robot for
  // 10 minutes).
  std::int64_t rate_limit_wait_seconds = 60;
  // Send budgets by lane kind (bot/send_budget.h): "dingtalk_robot: 20 per 1m" (burst 5 by default).
  std::map<std::string, SendLimit> limits = DefaultSendLimits();
};

// The HTTP front: chat webhooks and the JSON API. Settings from shared/http-serving.md.
struct HttpConfig {
  std::string host = "127.0.0.1";  // loopback by default: put nginx in front to face the internet
  int port = 8080;
  int threads = 16;                     // bounded worker pool
  std::int64_t max_body_bytes = 65536;  // default per-route body limit
  int read_timeout_ms = 5000;
  int write_timeout_ms = 5000;
  int keep_alive_timeout_s = 5;
  int keep_alive_max = 100000;  // requests per kept-alive connection
  int backlog = 4096;           // listen backlog, raised at run time
};

// A bearer token for an integration that calls the JSON API.
struct ApiToken {
  std::string name;               // recorded in the audit row as the integration
  std::string token;              // secret: never logged
  Role max_role = Role::kMember;  // the highest role it may act with
};

struct ApiConfig {
  std::vector<ApiToken> tokens;  // usable tokens only (those whose variables are set)
  // A token file for local use (the demo config sets ./data/api-token): created with a random token
  // (mode 0600) on the first start if absent; its token acts as integration "local" with the admin role.
  std::string token_file;
};

struct StoreConfig {
  std::string path = "./data/opsbot.db";
  bool synchronous_full = false;  // synchronous=NORMAL (default) or FULL
};

struct Config {
  std::string source_path;  // the file it was read from
  std::string bot_name = "opsbot";
  Lang language = Lang::kEn;     // default reply language
  std::string timezone = "UTC";  // default time zone
  std::string log_level = "info";
  StoreConfig store;
  std::vector<PersonConfig> people;
  std::vector<TeamConfig> teams;
  std::vector<ChatConfig> chats;
  std::string admin_chat;        // chat id of the admins' chat (empty: none)
  std::map<int, SlaTarget> sla;  // priority 1..4 → targets
  std::vector<AssignmentRule> assignment;
  SlackConfig slack;
  DingTalkConfig dingtalk;
  WeComConfig wecom;
  HttpConfig http;
  ApiConfig api;
  OutboxConfig outbox;
  std::vector<std::string> notices;  // start-up notes, e.g. "slack: off (OPSBOT_SLACK_... unset)"

  const PersonConfig* FindPerson(const std::string& id) const;
  const ChatConfig* FindChat(const std::string& id) const;
  const TeamConfig* FindTeam(const std::string& id) const;
};

}  // namespace opsbot
