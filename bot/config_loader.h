// LoadConfig: reads opsbot's YAML configuration into a validated Config.
//
// Rules (see README "Configuration"):
//  - `${NAME}` references are substituted after parsing, in scalar values only, so a secret holding `:` or
//    `#` is safe. A scalar that references an unset variable is "unset": the feature that needs it is
//    switched off and a notice is added to Config::notices (not an error).
//  - Every error names the key path (e.g. `people[2].timezone`) and the 1-based line. A value that came
//    from the environment, or a secret field, is never echoed in an error or notice.
//  - Unknown keys, duplicate keys, wrong types, bad enum values, bad durations, unknown time zones and
//    references to undeclared people/teams/chats are errors. Every error is reported at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/config.h"

namespace opsbot {

struct ConfigError {
  std::string path;  // key path, e.g. "people[2].timezone"; empty for a file-level error
  int line = 0;      // 1-based; 0 when unknown
  std::string message;
};

struct ConfigLoad {
  std::optional<Config> config;     // set when errors is empty
  std::vector<ConfigError> errors;  // every error found
};

// Looks up an environment variable; std::nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

ConfigLoad LoadConfigText(const std::string& yaml_text, const std::string& source_path, const EnvLookup& env);
ConfigLoad LoadConfigFile(const std::string& path, const EnvLookup& env);

// "file:line: path: message" lines, one per error.
std::string FormatConfigErrors(const std::string& source_path, const std::vector<ConfigError>& errors);

// Parses "30s", "15m", "4h", "3d", "1h30m" into seconds; std::nullopt on anything else (or <= 0).
std::optional<std::int64_t> ParseDurationSeconds(const std::string& text);

}  // namespace opsbot
