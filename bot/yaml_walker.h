// YamlWalker: reads a parsed YAML tree by key path, collecting every error instead of stopping.
//
// Used by the config loader (config_loader.cpp). Each node it hands out carries its key path
// ("people[2].timezone") and 1-based line, so an error can say where it is. Maps are checked for unknown
// keys (with a "did you mean" hint) and duplicate keys (yaml-cpp keeps both pairs). `${NAME}` references
// are substituted in scalar values only, after parsing; a value that came from the environment is never
// echoed (see Quote). Not thread-safe: one walker per load.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "bot/config_loader.h"

namespace opsbot {

// A node with the key path that led to it and the line to blame (the key's line for map entries).
struct YamlField {
  std::string path;
  YAML::Node node;
  int line = 0;
};

// A scalar value after `${NAME}` substitution.
struct YamlScalar {
  std::string path;
  int line = 0;
  std::string text;       // substituted text; empty when unset
  bool from_env = false;  // holds at least one `${NAME}` reference: never echo it
  std::string var;        // the first variable referenced; empty when none
  std::string unset_var;  // first referenced variable that is not set; empty when all are set
};

// A map whose keys are all known and unique; entries in file order.
struct YamlMap {
  std::string path;
  int line = 0;
  std::vector<std::pair<std::string, YamlField>> entries;

  // The entry for `key`, or std::nullopt when absent or explicitly null (`key:` / `key: ~`).
  std::optional<YamlField> Get(std::string_view key) const;
};

class YamlWalker {
 public:
  explicit YamlWalker(EnvLookup env) : env_(std::move(env)) {}

  // "a" + "b" -> "a.b"; "" + "b" -> "b"; Index("people", 2) -> "people[2]".
  static std::string Join(const std::string& path, std::string_view key);
  static std::string Index(const std::string& path, std::size_t i);
  // 1-based line of a node, 0 when unknown.
  static int LineOf(const YAML::Node& node);

  // Null is an empty map. Anything else but a map is an error (std::nullopt).
  std::optional<YamlMap> AsMap(const YamlField& field, std::initializer_list<std::string_view> known);
  // Null is an empty list. Anything else but a list is an error (empty result).
  std::vector<YamlField> AsList(const YamlField& field);
  // A scalar, substituted. Null gives std::nullopt; a map or a list is an error (std::nullopt).
  std::optional<YamlScalar> AsScalar(const YamlField& field);

  // m[key] as a scalar. When it references an unset variable, adds a notice and returns std::nullopt
  // (the key counts as absent). For fields that need to tell "unset" apart, use Get + AsScalar.
  std::optional<YamlScalar> Value(const YamlMap& m, std::string_view key);
  // Like Value, but absent (or unset) is an error.
  std::optional<YamlScalar> Required(const YamlMap& m, std::string_view key);

  // m[key] as a whole number in [lo, hi]; an error (naming the range) for anything else. std::nullopt when
  // absent or wrong.
  std::optional<long long> Integer(const YamlMap& m, std::string_view key, long long lo, long long hi);

  // A secret at m[key]: its value is never put in an error or notice. Sets *out when usable; otherwise
  // appends why not (unset variable, empty, missing) to `reasons`.
  void Secret(const YamlMap& m, std::string_view key, std::string* out, std::vector<std::string>* reasons);

  // "'text'" for a value from the file, "(value from the environment)" otherwise.
  static std::string Quote(const YamlScalar& s);

  void Error(const std::string& path, int line, std::string message);
  void Error(const YamlScalar& s, std::string message) { Error(s.path, s.line, std::move(message)); }
  void Notice(std::string message) { notices_.push_back(std::move(message)); }

  std::vector<ConfigError>& errors() { return errors_; }
  std::vector<std::string>& notices() { return notices_; }

 private:
  EnvLookup env_;
  std::vector<ConfigError> errors_;
  std::vector<std::string> notices_;
};

}  // namespace opsbot
