// The config sections of the chat platforms: `slack`, `dingtalk` and `wecom`. Part
// of the config reader (config_reader.cpp); same rules: errors name key path and line, secrets are never
// echoed, and a platform whose credentials are unset is switched off with a notice.
#pragma once

#include <string>
#include <vector>

#include "bot/config.h"
#include "bot/yaml_walker.h"

namespace opsbot {

// `slack`: api_base, pace_ms, proxy, response_url_hosts, and the two secrets; adds "slack: off (...)" to
// `notices` when off.
void ReadSlackSection(const YamlMap& top, YamlWalker& w, SlackConfig& slack,
                      std::vector<std::string>& notices);

// `dingtalk`: app_key and app_secret (both needed), api_base, session_webhook_hosts, window_ms, pace_ms;
// adds "dingtalk: off (...)" to `notices` when off. `robots` (custom group robots, usable with the app off)
// maps chats declared under `chats` (with a dingtalk id) to {access_token, secret}; oapi_base.
void ReadDingTalkSection(const YamlMap& top, YamlWalker& w, const std::vector<ChatConfig>& chats,
                         DingTalkConfig& dingtalk, std::vector<std::string>& notices);

// `wecom`: the app (corp_id, agent_id, secret, token, aes_key) and the smart bot (bot_token, bot_aes_key),
// each on when all of its own are set; `robots` maps chat ids declared under `chats` (with a wecom chatid)
// to group robot webhook keys; api_base, pace_ms, response_url_hosts. Reads `chats` from `config`, which must
// be read already. Adds "wecom app: off (...)" / "wecom bot: off (...)" to `notices`.
void ReadWeComSection(const YamlMap& top, YamlWalker& w, const std::vector<ChatConfig>& chats,
                      WeComConfig& wecom, std::vector<std::string>& notices);

}  // namespace opsbot
