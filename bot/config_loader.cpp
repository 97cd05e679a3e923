#include "bot/config_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "bot/config_reader.h"
#include "bot/text.h"
#include "bot/yaml_walker.h"

namespace opsbot {

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

ConfigLoad LoadConfigText(const std::string& yaml_text, const std::string& source_path,
                          const EnvLookup& env) {
  ConfigLoad out;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(yaml_text);
  } catch (const YAML::Exception& e) {
    out.errors.push_back({"", e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML syntax error: " + e.msg});
    return out;
  }
  Config config;
  config.source_path = source_path;
  YamlWalker walker(env);
  if (docs.size() > 1) {
    walker.Error("", YamlWalker::LineOf(docs[1]), "more than one YAML document ('---'); use a single one");
  }
  const YAML::Node root = docs.empty() ? YAML::Node() : docs.front();
  try {
    ReadConfigDocument(YamlField{"", root, YamlWalker::LineOf(root)}, walker, config);
  } catch (const YAML::Exception& e) {
    walker.Error("", e.mark.line >= 0 ? e.mark.line + 1 : 0, "cannot read the YAML tree: " + e.msg);
  }
  out.errors = std::move(walker.errors());
  if (!out.errors.empty()) {
    std::stable_sort(out.errors.begin(), out.errors.end(),
                     [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
    return out;
  }
  for (std::string& notice : walker.notices())
    config.notices.push_back(std::move(notice));
  out.config = std::move(config);
  return out;
}

ConfigLoad LoadConfigFile(const std::string& path, const EnvLookup& env) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return ConfigLoad{std::nullopt, {{"", 0, "cannot read the config file: it is a directory"}}};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ConfigLoad{std::nullopt,
                      {{"", 0, std::string("cannot open the config file: ") + std::strerror(errno)}}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return ConfigLoad{std::nullopt, {{"", 0, "cannot read the config file"}}};
  return LoadConfigText(text.str(), path, env);
}

std::string FormatConfigErrors(const std::string& source_path, const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& e : errors) {
    const std::string location = source_path.empty() && e.line > 0 ? "line " + std::to_string(e.line)
                                 : e.line > 0 ? source_path + ":" + std::to_string(e.line)
                                              : source_path;
    std::string line;
    for (const std::string* part : {&location, &e.path, &e.message}) {
      if (part->empty()) continue;
      if (!line.empty()) line += ": ";
      line += *part;
    }
    out += line + "\n";
  }
  return out;
}

std::optional<std::int64_t> ParseDurationSeconds(const std::string& text) {
  // Units in the order they must appear; each at most once.
  static constexpr std::pair<char, std::int64_t> kUnits[] = {
      {'w', 7 * kDay}, {'d', kDay}, {'h', kHour}, {'m', kMinute}, {'s', 1}};
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsAsciiDigit(text[i])) return std::nullopt;
    std::int64_t n = 0;
    for (; i < text.size() && IsAsciiDigit(text[i]); ++i) {
      const int digit = text[i] - '0';
      if (n > (kMax - digit) / 10) return std::nullopt;
      n = n * 10 + digit;
    }
    if (i == text.size()) return std::nullopt;  // a number without a unit
    const char unit = text[i++];
    std::size_t k = next_unit;
    while (k < std::size(kUnits) && kUnits[k].first != unit)
      ++k;
    if (k == std::size(kUnits)) return std::nullopt;
    next_unit = k + 1;
    if (n > kMax / kUnits[k].second) return std::nullopt;
    n *= kUnits[k].second;
    if (total > kMax - n) return std::nullopt;
    total += n;
  }
  if (total <= 0) return std::nullopt;
  return total;
}

}  // namespace opsbot
