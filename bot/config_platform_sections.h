// The config sections of the chat platforms: `slack` and `dingtalk`; `wecom` comes with its issue. Part
// of the config reader (config_reader.cpp); same rules: errors name key path and line, secrets are never
// echoed, and a platform whose credentials are unset is switched off with a notice.
#pragma once

#include <string>
#include <vector>

#include "bot/config.h"
#include "bot/yaml_walker.h"

namespace opsbot {

// `slack`: api_base, pace_ms, proxy, and the two secrets; adds "slack: off (...)" to `notices` when off.
void ReadSlackSection(const YamlMap& top, YamlWalker& w, SlackConfig& slack,
                      std::vector<std::string>& notices);

// `dingtalk`: app_key and app_secret (both needed), api_base, session_webhook_hosts, window_ms, pace_ms;
// adds "dingtalk: off (...)" to `notices` when off.
void ReadDingTalkSection(const YamlMap& top, YamlWalker& w, DingTalkConfig& dingtalk,
                         std::vector<std::string>& notices);

}  // namespace opsbot
