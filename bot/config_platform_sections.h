// The config sections of the chat platforms: `slack` now; `dingtalk` and `wecom` come with their issue. Part
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

}  // namespace opsbot
