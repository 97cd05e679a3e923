#include "bot/config_platform_sections.h"

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

}  // namespace

void ReadSlackSection(const YamlMap& top, YamlWalker& w, SlackConfig& slack,
                      std::vector<std::string>& notices) {
  auto field = top.Get("slack");
  if (!field) {
    notices.push_back("slack: off (not configured)");
    return;
  }
  auto m = w.AsMap(*field, {"signing_secret", "bot_token", "api_base", "pace_ms", "proxy"});
  if (!m) return;
  if (auto url = BaseUrl(*m, w, "api_base")) slack.api_base = *url;
  ReadSlackDelivery(*m, w, slack);
  std::vector<std::string> reasons;
  w.Secret(*m, "signing_secret", &slack.signing_secret, &reasons);
  w.Secret(*m, "bot_token", &slack.bot_token, &reasons);
  slack.enabled = SwitchedOn("slack", reasons, notices);
  if (slack.enabled) return;
  slack.signing_secret.clear();
  slack.bot_token.clear();
}

void ReadDingTalkSection(const YamlMap& top, YamlWalker& w, DingTalkConfig& dingtalk,
                         std::vector<std::string>& notices) {
  auto field = top.Get("dingtalk");
  if (!field) {
    notices.push_back("dingtalk: off (not configured)");
    return;
  }
  auto m =
      w.AsMap(*field, {"app_key", "app_secret", "api_base", "session_webhook_hosts", "window_ms", "pace_ms"});
  if (!m) return;
  if (auto url = BaseUrl(*m, w, "api_base")) dingtalk.api_base = *url;
  if (auto hosts = m->Get("session_webhook_hosts")) {
    dingtalk.session_webhook_hosts.clear();
    for (const YamlField& item : w.AsList(*hosts)) {
      auto s = w.AsScalar(item);
      if (!s) continue;
      if (s->text.empty() || s->text.find_first_of("/:@ ") != std::string::npos)
        w.Error(*s, "a host name, e.g. oapi.dingtalk.com, not " + YamlWalker::Quote(*s));
      else
        dingtalk.session_webhook_hosts.push_back(s->text);
    }
  }
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

}  // namespace opsbot
