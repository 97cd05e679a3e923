#include "adapters/slack/slack_text.h"

namespace opsbot {
namespace {

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsId(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!IsIdChar(c)) return false;
  return true;
}

// Appends `piece` with Slack's three entities decoded, in one pass ("&amp;lt;" → "&lt;", not "<").
void AppendDecoded(std::string& out, std::string_view piece) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}};
  std::size_t i = 0;
  while (i < piece.size()) {
    bool matched = false;
    if (piece[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (piece.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          matched = true;
          break;
        }
      }
    }
    if (!matched) out += piece[i++];
  }
}

// The plain-text form of one `<...>` markup's inside, or false to keep it literally.
bool RenderMarkup(std::string_view inside, std::string& out) {
  std::size_t bar = inside.find('|');
  std::string_view target = inside.substr(0, bar);
  std::string_view label = bar == std::string_view::npos ? std::string_view() : inside.substr(bar + 1);
  if (target.empty()) return false;
  switch (target[0]) {
    case '@':
      if (!IsId(target.substr(1))) return false;
      out += target;
      return true;
    case '#':
      if (!IsId(target.substr(1))) return false;
      out += target;
      return true;
    case '!': {
      std::string_view name = target.substr(1);
      if (name == "here" || name == "channel" || name == "everyone") {
        out += '@';
        out += name;
        return true;
      }
      constexpr std::string_view kSubteam = "subteam^";
      if (name.substr(0, kSubteam.size()) == kSubteam && IsId(name.substr(kSubteam.size()))) {
        out += '@';
        out += name.substr(kSubteam.size());
        return true;
      }
      if (label.empty()) return false;  // e.g. <!date^...|fallback>: the fallback text
      AppendDecoded(out, label);
      return true;
    }
    default:
      if (target.find(':') == std::string_view::npos) return false;  // not a link: keep as typed
      AppendDecoded(out, target);
      return true;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> DecodeComponent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Status::Invalid("bad percent-escape at byte " + std::to_string(i));
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  std::size_t len = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  char32_t cp = len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string DecodeSlackText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find('<', i);
    AppendDecoded(out, text.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
    if (open == std::string_view::npos) break;
    // Markup ends at the first '>' before the next '<'; searching only up to that '<' keeps this linear.
    std::size_t next_open = text.find('<', open + 1);
    std::string_view span = text.substr(
        open + 1, next_open == std::string_view::npos ? std::string_view::npos : next_open - open - 1);
    std::size_t close = span.find('>');
    if (close == std::string_view::npos || !RenderMarkup(span.substr(0, close), out)) {
      out += '<';  // not markup: keep the bracket and go on after it
      i = open + 1;
      continue;
    }
    i = open + 1 + close + 1;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseFormUrlEncoded(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t amp = body.find('&', start);
    std::string_view pair =
        body.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      auto name = DecodeComponent(pair.substr(0, eq));
      if (!name.ok()) return name.status();
      auto value = DecodeComponent(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      if (!value.ok()) return value.status();
      pairs.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return pairs;
}

std::string FormUrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsIdChar(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

}  // namespace opsbot
