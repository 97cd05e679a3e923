// The config sections of the HTTP front and of delivery: `http` (listener and server settings), `api`
// (integration tokens) and `outbox`. Part of the
// config reader (config_reader.cpp); same rules: every error names its key path and line, secrets are never
// echoed, a token whose variable is unset is switched off with a notice.
#pragma once

#include <optional>
#include <string>

#include "bot/config.h"
#include "bot/yaml_walker.h"

namespace opsbot {

void ReadHttpSection(const YamlMap& top, YamlWalker& w, HttpConfig& http);
void ReadApiSection(const YamlMap& top, YamlWalker& w, ApiConfig& api);
void ReadOutboxSection(const YamlMap& top, YamlWalker& w, OutboxConfig& outbox);

// "20 per 1m" or "20 per 60s burst 5" → a SendLimit (burst by default a quarter of the count, at least 1);
// nullopt when malformed.
std::optional<SendLimit> ParseSendLimit(const std::string& text);

// "127.0.0.1:8080" → host and port; false when malformed.
bool ParseListenAddress(const std::string& text, std::string* host, int* port);

}  // namespace opsbot
