#include "bot/yaml_walker.h"

#include "bot/text.h"

#include <charconv>

#include <algorithm>
#include <cstddef>

namespace opsbot {
namespace {

const char* TypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    default:
      return "nothing";
  }
}

bool IsVarStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool IsVarChar(char c) {
  return IsVarStart(c) || (c >= '0' && c <= '9');
}

}  // namespace

std::optional<YamlField> YamlMap::Get(std::string_view key) const {
  for (const auto& [k, field] : entries) {
    if (k == key) {
      if (field.node.IsNull()) return std::nullopt;
      return field;
    }
  }
  return std::nullopt;
}

std::string YamlWalker::Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string YamlWalker::Index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

int YamlWalker::LineOf(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const int line = node.Mark().line;
  return line >= 0 ? line + 1 : 0;
}

void YamlWalker::Error(const std::string& path, int line, std::string message) {
  errors_.push_back(ConfigError{path, line, std::move(message)});
}

std::optional<YamlMap> YamlWalker::AsMap(const YamlField& field,
                                         std::initializer_list<std::string_view> known) {
  YamlMap out{field.path, field.line, {}};
  if (!field.node.IsDefined() || field.node.IsNull()) return out;
  if (!field.node.IsMap()) {
    Error(field.path, field.line, std::string("expected a map, got ") + TypeName(field.node));
    return std::nullopt;
  }
  for (const auto& pair : field.node) {  // keep the pair alive: a reference to `it->first` dangles
    const YAML::Node key_node = pair.first;
    const int key_line = LineOf(key_node);
    if (!key_node.IsScalar()) {
      Error(field.path, key_line, std::string("a key must be a plain name, got ") + TypeName(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    const std::string path = Join(field.path, key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string message = "unknown key '" + key + "'";
      // The nearest known key within two edits (counted in characters, case aside), and fewer edits than
      // the key has characters: a two-letter key is no suggestion for a word two edits away from it.
      std::string_view best;
      std::size_t best_distance = 3;
      for (std::string_view k : known) {
        const std::size_t d = EditDistance(key, k);
        if (d < best_distance && d < Utf8Length(k)) {
          best_distance = d;
          best = k;
        }
      }
      if (!best.empty()) message += "; did you mean '" + std::string(best) + "'?";
      Error(path, key_line, std::move(message));
      continue;
    }
    auto first = std::find_if(out.entries.begin(), out.entries.end(),
                              [&key](const auto& entry) { return entry.first == key; });
    if (first != out.entries.end()) {
      Error(path, key_line,
            "duplicate key '" + key + "' (first at line " + std::to_string(first->second.line) + ")");
      continue;
    }
    out.entries.emplace_back(key, YamlField{path, pair.second, key_line});
  }
  return out;
}

std::vector<YamlField> YamlWalker::AsList(const YamlField& field) {
  std::vector<YamlField> out;
  if (!field.node.IsDefined() || field.node.IsNull()) return out;
  if (!field.node.IsSequence()) {
    Error(field.path, field.line, std::string("expected a list, got ") + TypeName(field.node));
    return out;
  }
  std::size_t i = 0;
  for (const YAML::Node& item : field.node) {
    const int line = LineOf(item);
    out.push_back(YamlField{Index(field.path, i), item, line > 0 ? line : field.line});
    ++i;
  }
  return out;
}

std::optional<YamlScalar> YamlWalker::AsScalar(const YamlField& field) {
  if (!field.node.IsDefined() || field.node.IsNull()) return std::nullopt;
  if (!field.node.IsScalar()) {
    Error(field.path, field.line, std::string("expected a single value, got ") + TypeName(field.node));
    return std::nullopt;
  }
  YamlScalar out{field.path, field.line, {}, false, {}, {}};
  const std::string& raw = field.node.Scalar();
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const std::size_t start = raw.find("${", pos);
    if (start == std::string::npos) {
      out.text.append(raw, pos, std::string::npos);
      break;
    }
    out.text.append(raw, pos, start - pos);
    const std::size_t end = raw.find('}', start + 2);
    const std::string name = end == std::string::npos ? "" : raw.substr(start + 2, end - start - 2);
    if (name.empty() || !IsVarStart(name[0]) || !std::all_of(name.begin(), name.end(), IsVarChar)) {
      Error(field.path, field.line, "malformed ${...} reference (expected ${NAME}, NAME of A-Z a-z 0-9 _)");
      return std::nullopt;
    }
    out.from_env = true;
    if (out.var.empty()) out.var = name;
    std::optional<std::string> value = env_ ? env_(name) : std::nullopt;
    if (!value) {
      if (out.unset_var.empty()) out.unset_var = name;
    } else {
      out.text += *value;
    }
    pos = end + 1;
  }
  if (!out.unset_var.empty()) out.text.clear();
  return out;
}

std::optional<YamlScalar> YamlWalker::Value(const YamlMap& m, std::string_view key) {
  std::optional<YamlField> field = m.Get(key);
  if (!field) return std::nullopt;
  std::optional<YamlScalar> s = AsScalar(*field);
  if (s && !s->unset_var.empty()) {
    Notice(s->path + ": ignored (" + s->unset_var + " is not set)");
    return std::nullopt;
  }
  return s;
}

std::optional<YamlScalar> YamlWalker::Required(const YamlMap& m, std::string_view key) {
  std::optional<YamlField> field = m.Get(key);
  if (!field) {
    Error(Join(m.path, key), m.line, "missing required key '" + std::string(key) + "'");
    return std::nullopt;
  }
  std::optional<YamlScalar> s = AsScalar(*field);
  if (s && !s->unset_var.empty()) {
    Error(*s, "required, but " + s->unset_var + " is not set");
    return std::nullopt;
  }
  return s;
}

std::string YamlWalker::Quote(const YamlScalar& s) {
  return s.from_env ? std::string("(value from the environment)") : "'" + s.text + "'";
}

void YamlWalker::Secret(const YamlMap& m, std::string_view key, std::string* out,
                        std::vector<std::string>* reasons) {
  std::optional<YamlField> field = m.Get(key);
  std::optional<YamlScalar> s = field ? AsScalar(*field) : std::nullopt;
  if (!s) {
    reasons->push_back(std::string(key) + (field ? " is not a single value" : " is not configured"));
  } else if (!s->unset_var.empty()) {
    reasons->push_back(s->unset_var + " is not set");
  } else if (s->text.empty()) {
    reasons->push_back((s->var.empty() ? std::string(key) : s->var) + " is empty");
  } else {
    *out = s->text;
  }
}

std::optional<long long> YamlWalker::Integer(const YamlMap& m, std::string_view key, long long lo,
                                             long long hi) {
  auto s = Value(m, key);
  if (!s) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s->text.data(), s->text.data() + s->text.size(), v);
  if (ec != std::errc() || p != s->text.data() + s->text.size() || v < lo || v > hi) {
    Error(*s, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
                  Quote(*s));
    return std::nullopt;
  }
  return v;
}

}  // namespace opsbot
