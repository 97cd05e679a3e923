#include "bot/arg_parser.h"

#include <charconv>

#include "bot/text.h"

namespace opsbot {
namespace {

std::optional<std::int64_t> ParsePositive(std::string_view digits) {
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<int> ParsePriority(const std::string& t) {
  if (t.size() == 2 && (t[0] == 'p' || t[0] == 'P') && t[1] >= '1' && t[1] <= '4') return t[1] - '0';
  return std::nullopt;
}

// "第3页" → 3.
std::optional<std::int64_t> ParseChinesePage(const std::string& t) {
  const std::string kPrefix = "第", kSuffix = "页";
  if (t.size() <= kPrefix.size() + kSuffix.size() || t.rfind(kPrefix, 0) != 0 ||
      t.compare(t.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
    return std::nullopt;
  return ParsePositive(
      std::string_view(t).substr(kPrefix.size(), t.size() - kPrefix.size() - kSuffix.size()));
}

const Choice* MatchChoice(const ArgSpec& arg, const std::string& token) {
  for (const Choice& c : arg.choices) {
    if (EqualsIgnoreCase(c.value, token)) return &c;
    for (const auto& s : c.synonyms)
      if (EqualsIgnoreCase(s, token)) return &c;
  }
  return nullptr;
}

Status Invalid(Lang lang, Msg id, const std::string& detail) {
  return Status::Invalid(Tr(lang, id, detail));
}

}  // namespace

std::optional<std::int64_t> ParseTicketId(const std::string& token) {
  std::string_view t = token;
  if (t.size() > 2 && (t[0] == 'T' || t[0] == 't') && t[1] == '-') {
    t.remove_prefix(2);
  } else if (t.size() > 1 && (t[0] == 'T' || t[0] == 't')) {
    t.remove_prefix(1);
  }
  return ParsePositive(t);
}

Result<Args> ParseArgs(const CommandSpec& spec, const std::vector<std::string>& tokens, Lang lang) {
  Args args;
  std::vector<bool> used(tokens.size(), false);
  std::size_t front = 0;

  for (const ArgSpec& a : spec.args) {
    if (a.kind != ArgKind::kTicketId) continue;
    if (front >= tokens.size()) {
      if (a.required) return Invalid(lang, Msg::kArgMissing, a.name);
      continue;
    }
    auto id = ParseTicketId(tokens[front]);
    if (!id) {
      if (a.required) return Invalid(lang, Msg::kArgBadTicketId, tokens[front]);
      continue;
    }
    args.ticket = id;
    used[front++] = true;
  }

  for (const ArgSpec& a : spec.args) {
    for (std::size_t i = front; i < tokens.size(); ++i) {
      if (used[i]) continue;
      const std::string& t = tokens[i];
      switch (a.kind) {
        case ArgKind::kPriority:
          if (auto p = ParsePriority(t)) {
            if (args.priority) return Invalid(lang, Msg::kArgTwice, a.name);
            args.priority = p;
            used[i] = true;
          }
          break;
        case ArgKind::kTags:
        case ArgKind::kTagEdits:
          if (t.size() > 1 && t[0] == '#') {
            args.tags_add.push_back(ToLowerAscii(t.substr(1)));
            used[i] = true;
          } else if (a.kind == ArgKind::kTagEdits && t.size() > 2 && t[0] == '-' && t[1] == '#') {
            args.tags_remove.push_back(ToLowerAscii(t.substr(2)));
            used[i] = true;
          }
          break;
        case ArgKind::kMention:
          if (t.size() > 1 && t[0] == '@') {
            if (args.mention) return Invalid(lang, Msg::kArgTwice, a.name);
            args.mention = t.substr(1);
            used[i] = true;
          }
          break;
        case ArgKind::kChoice:
          if (const Choice* c = MatchChoice(a, t)) {
            if (args.choice) return Invalid(lang, Msg::kArgTwice, a.name);
            args.choice = c->value;
            used[i] = true;
          }
          break;
        case ArgKind::kPage:
          if (EqualsIgnoreCase(t, "page") || t == "页") {
            if (i + 1 >= tokens.size()) return Invalid(lang, Msg::kArgBadPage, t);
            auto n = ParsePositive(tokens[i + 1]);
            if (!n || *n > 1000000) return Invalid(lang, Msg::kArgBadPage, tokens[i + 1]);
            if (args.page) return Invalid(lang, Msg::kArgTwice, a.name);
            args.page = static_cast<int>(*n);
            used[i] = used[i + 1] = true;
          } else if (auto n = ParseChinesePage(t)) {
            if (args.page) return Invalid(lang, Msg::kArgTwice, a.name);
            args.page = static_cast<int>(std::min<std::int64_t>(*n, 1000000));
            used[i] = true;
          }
          break;
        case ArgKind::kTicketId:
        case ArgKind::kText:
          break;
      }
    }
    if (a.required && a.kind == ArgKind::kMention && !args.mention)
      return Invalid(lang, Msg::kArgMissing, a.name);
    if (a.required && a.kind == ArgKind::kPriority && !args.priority)
      return Invalid(lang, Msg::kArgMissing, a.name);
  }

  const ArgSpec* text_arg = nullptr;
  for (const ArgSpec& a : spec.args)
    if (a.kind == ArgKind::kText) text_arg = &a;
  std::vector<std::string> rest;
  for (std::size_t i = front; i < tokens.size(); ++i)
    if (!used[i]) rest.push_back(tokens[i]);
  if (text_arg) {
    args.text = Join(rest, " ");
    if (text_arg->required && args.text.empty()) return Invalid(lang, Msg::kArgMissing, text_arg->name);
  } else if (!rest.empty()) {
    return Invalid(lang, Msg::kArgUnexpected, rest.front());
  }
  return args;
}

std::string UsageLine(const CommandSpec& spec) {
  std::string out = spec.name;
  for (const ArgSpec& a : spec.args) {
    std::string piece;
    switch (a.kind) {
      case ArgKind::kTicketId:
        piece = "T-n";
        break;
      case ArgKind::kPriority:
        piece = "p1..p4";
        break;
      case ArgKind::kTags:
        piece = "#tag ...";
        break;
      case ArgKind::kTagEdits:
        piece = "#tag|-#tag ...";
        break;
      case ArgKind::kMention:
        piece = "@" + a.name;
        break;
      case ArgKind::kPage:
        piece = "page N";
        break;
      case ArgKind::kChoice: {
        for (std::size_t i = 0; i < a.choices.size(); ++i)
          piece += (i ? "|" : "") + a.choices[i].value;
        break;
      }
      case ArgKind::kText:
        piece = "<" + a.name + ">";
        break;
    }
    out += a.required ? " " : " [";
    out += piece;
    if (!a.required) out += "]";
  }
  return out;
}

}  // namespace opsbot
