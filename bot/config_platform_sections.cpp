#include "bot/config_platform_sections.h"

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
  if (auto s = w.Value(*m, "api_base")) {
    if (s->text.rfind("https://", 0) == 0 || s->text.rfind("http://", 0) == 0) {
      slack.api_base = s->text;
      while (slack.api_base.size() > 8 && slack.api_base.back() == '/')
        slack.api_base.pop_back();
    } else {
      w.Error(*s, "api_base must be an http:// or https:// URL, got " + YamlWalker::Quote(*s));
    }
  }
  ReadSlackDelivery(*m, w, slack);
  std::vector<std::string> reasons;
  w.Secret(*m, "signing_secret", &slack.signing_secret, &reasons);
  w.Secret(*m, "bot_token", &slack.bot_token, &reasons);
  slack.enabled = reasons.empty();
  if (slack.enabled) return;
  slack.signing_secret.clear();
  slack.bot_token.clear();
  std::string notice = "slack: off (";
  for (std::size_t i = 0; i < reasons.size(); ++i)
    notice += (i ? "; " : "") + reasons[i];
  notices.push_back(notice + ")");
}

}  // namespace opsbot
