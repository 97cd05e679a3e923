#include "bot/config_platform_sections.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

namespace opsbot {
namespace {

// slack.pace_ms and slack.proxy.
void ReadSlackDelivery(const YamlMap& slack_section, YamlWalker& w, SlackConfig& slack) {
  if (auto v = w.Integer(slack_section, "pace_ms", 1, 3600000)) slack.pace_ms = static_cast<long>(*v);
  if (auto s = w.Value(slack_section, "proxy")) {
    if (s->text.rfind("http://", 0) == 0 || s->text.rfind("https://", 0) == 0) {
      slack.proxy = s->text;
    } else {
      w.Error(*s, "proxy must be an http:// or https:// URL, got " + YamlWalker::Quote(*s));
    }
  }
}

// An http(s):// base URL without its trailing slashes; an error (and nullopt) for anything else.
std::optional<std::string> BaseUrl(const YamlMap& m, YamlWalker& w, std::string_view key) {
  auto s = w.Value(m, key);
  if (!s) return std::nullopt;
  if (s->text.rfind("https://", 0) != 0 && s->text.rfind("http://", 0) != 0) {
    w.Error(*s, std::string(key) + " must be an http:// or https:// URL, got " + YamlWalker::Quote(*s));
    return std::nullopt;
  }
  std::string url = s->text;
  while (url.size() > 8 && url.back() == '/')
    url.pop_back();
  return url;
}

// `key`: a list of host names (no scheme, port or path) that replaces `hosts` when given.
void ReadHosts(const YamlMap& m, YamlWalker& w, std::string_view key, const char* example,
               std::vector<std::string>& hosts) {
  auto field = m.Get(key);
  if (!field) return;
  hosts.clear();
  for (const YamlField& item : w.AsList(*field)) {
    auto s = w.AsScalar(item);
    if (!s) continue;
    if (s->text.empty() || s->text.find_first_of("/:@ ") != std::string::npos)
      w.Error(*s, std::string("a host name, e.g. ") + example + ", not " + YamlWalker::Quote(*s));
    else
      hosts.push_back(s->text);
  }
}

// "<platform>: off (reason; reason)" when credentials are missing; clears what was read.
bool SwitchedOn(const char* platform, const std::vector<std::string>& reasons,
                std::vector<std::string>& notices) {
  if (reasons.empty()) return true;
  std::string notice = std::string(platform) + ": off (";
  for (std::size_t i = 0; i < reasons.size(); ++i)
    notice += (i ? "; " : "") + reasons[i];
  notices.push_back(notice + ")");
  return false;
}

// A robot of a group chat: the chat's handle on the platform and the robot's secret(s).
struct Robot {
  std::string chat_handle;
  std::string secret;
  std::string second_secret;  // "" when not configured
};

// `robots`: a list of {chat: <a chat under chats with a handle on the platform>, <secret_key>: ...,
// [<optional_key>: ...]}. A chat that is unknown or has no handle there is an error; a robot whose secret is
// unset is left out, with a notice naming the variable.
std::vector<Robot> ReadRobots(const YamlField& list, YamlWalker& w, const std::vector<ChatConfig>& chats,
                              std::string ChatConfig::*handle, const char* platform, const char* secret_key,
                              const char* optional_key, std::vector<std::string>& notices) {
  std::vector<Robot> out;
  for (const YamlField& item : w.AsList(list)) {
    auto r = w.AsMap(item, {"chat", secret_key, optional_key ? optional_key : secret_key});
    if (!r) continue;
    auto chat_key = w.Required(*r, "chat");
    if (!chat_key) continue;
    auto chat =
        std::find_if(chats.begin(), chats.end(), [&](const ChatConfig& c) { return c.id == chat_key->text; });
    if (chat == chats.end() || ((*chat).*handle).empty()) {
      w.Error(*chat_key, "unknown chat " + YamlWalker::Quote(*chat_key) +
                             " (declare it under chats, with its " + platform + " id)");
      continue;
    }
    std::vector<std::string> why;
    Robot robot{(*chat).*handle, "", ""};
    w.Secret(*r, secret_key, &robot.secret, &why);
    if (optional_key && r->Get(optional_key)) w.Secret(*r, optional_key, &robot.second_secret, &why);
    if (why.empty())
      out.push_back(std::move(robot));
    else
      notices.push_back(std::string(platform) + ": no group robot for " + chat->id + " (" + why.front() +
                        ")");
  }
  return out;
}

}  // namespace

void ReadSlackSection(const YamlMap& top, YamlWalker& w, SlackConfig& slack,
                      std::vector<std::string>& notices) {
  auto field = top.Get("slack");
  if (!field) {
    notices.push_back("slack: off (not configured)");
    return;
  }
  auto m =
      w.AsMap(*field, {"signing_secret", "bot_token", "api_base", "pace_ms", "proxy", "response_url_hosts"});
  if (!m) return;
  if (auto url = BaseUrl(*m, w, "api_base")) slack.api_base = *url;
  ReadHosts(*m, w, "response_url_hosts", "hooks.slack.com", slack.response_url_hosts);
  ReadSlackDelivery(*m, w, slack);
  std::vector<std::string> reasons;
  w.Secret(*m, "signing_secret", &slack.signing_secret, &reasons);
  w.Secret(*m, "bot_token", &slack.bot_token, &reasons);
  slack.enabled = SwitchedOn("slack", reasons, notices);
  if (slack.enabled) return;
  slack.signing_secret.clear();
  slack.bot_token.clear();
}

void ReadDingTalkSection(const YamlMap& top, YamlWalker& w, const std::vector<ChatConfig>& chats,
                         DingTalkConfig& dingtalk, std::vector<std::string>& notices) {
  auto field = top.Get("dingtalk");
  if (!field) {
    notices.push_back("dingtalk: off (not configured)");
    return;
  }
  auto m = w.AsMap(*field, {"app_key", "app_secret", "api_base", "oapi_base", "session_webhook_hosts",
                            "window_ms", "pace_ms", "robots"});
  if (!m) return;
  if (auto url = BaseUrl(*m, w, "api_base")) dingtalk.api_base = *url;
  if (auto url = BaseUrl(*m, w, "oapi_base")) dingtalk.oapi_base = *url;
  if (auto robots = m->Get("robots")) {
    for (auto& r : ReadRobots(*robots, w, chats, &ChatConfig::dingtalk_conversation_id, "dingtalk",
                              "access_token", "secret", notices))
      dingtalk.robots[r.chat_handle].push_back({r.secret, r.second_secret});
  }
  ReadHosts(*m, w, "session_webhook_hosts", "oapi.dingtalk.com", dingtalk.session_webhook_hosts);
  if (auto v = w.Integer(*m, "window_ms", 1000, 24LL * 3600 * 1000)) dingtalk.window_ms = *v;
  if (auto v = w.Integer(*m, "pace_ms", 1, 3600000)) dingtalk.pace_ms = static_cast<long>(*v);
  std::vector<std::string> reasons;
  w.Secret(*m, "app_key", &dingtalk.app_key, &reasons);
  w.Secret(*m, "app_secret", &dingtalk.app_secret, &reasons);
  dingtalk.enabled = SwitchedOn("dingtalk", reasons, notices);
  if (dingtalk.enabled) return;
  dingtalk.app_key.clear();
  dingtalk.app_secret.clear();
}

void ReadWeComSection(const YamlMap& top, YamlWalker& w, const std::vector<ChatConfig>& chats,
                      WeComConfig& wecom, std::vector<std::string>& notices) {
  auto field = top.Get("wecom");
  if (!field) {
    notices.push_back("wecom: off (not configured)");
    return;
  }
  auto m = w.AsMap(*field, {"corp_id", "agent_id", "secret", "token", "aes_key", "bot_token", "bot_aes_key",
                            "robots", "api_base", "pace_ms", "response_url_hosts"});
  if (!m) return;
  if (auto url = BaseUrl(*m, w, "api_base")) wecom.api_base = *url;
  ReadHosts(*m, w, "response_url_hosts", "qyapi.weixin.qq.com", wecom.response_url_hosts);
  if (auto v = w.Integer(*m, "pace_ms", 1, 3600000)) wecom.pace_ms = static_cast<long>(*v);
  // An EncodingAESKey is 43 letters and digits; anything else is an error (not echoed: it is a secret).
  auto aes_key_ok = [&](std::string_view key, const std::string& value) {
    bool ok = value.empty() || value.size() == 43;
    for (char ch : value)
      ok = ok && std::isalnum(static_cast<unsigned char>(ch));
    if (!ok)
      w.Error(YamlWalker::Join(m->path, key), m->line, std::string(key) + " must be 43 letters and digits");
    return ok;
  };

  std::vector<std::string> app;
  w.Secret(*m, "corp_id", &wecom.corp_id, &app);
  if (auto v = w.Integer(*m, "agent_id", 1, 0x7fffffffLL)) {
    wecom.agent_id = static_cast<long>(*v);
  } else if (!m->Get("agent_id")) {
    app.push_back("agent_id is not configured");
  }
  w.Secret(*m, "secret", &wecom.secret, &app);
  w.Secret(*m, "token", &wecom.token, &app);
  w.Secret(*m, "aes_key", &wecom.aes_key, &app);
  bool app_on = SwitchedOn("wecom app", app, notices);
  wecom.app_enabled = aes_key_ok("aes_key", wecom.aes_key) && app_on;
  if (!wecom.app_enabled) {
    wecom.corp_id.clear();  // the sender's sign that the app is off
    wecom.agent_id = 0;
    wecom.secret.clear();
    wecom.token.clear();
    wecom.aes_key.clear();
  }

  std::vector<std::string> bot;
  w.Secret(*m, "bot_token", &wecom.bot_token, &bot);
  w.Secret(*m, "bot_aes_key", &wecom.bot_aes_key, &bot);
  bool bot_on = SwitchedOn("wecom bot", bot, notices);
  wecom.bot_enabled = aes_key_ok("bot_aes_key", wecom.bot_aes_key) && bot_on;
  if (!wecom.bot_enabled) {
    wecom.bot_token.clear();
    wecom.bot_aes_key.clear();
  }

  if (auto robots = m->Get("robots")) {
    for (auto& r :
         ReadRobots(*robots, w, chats, &ChatConfig::wecom_chat_id, "wecom", "key", nullptr, notices))
      wecom.robot_keys[r.chat_handle].push_back(r.secret);
  }
}

}  // namespace opsbot
