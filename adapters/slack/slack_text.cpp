#include "adapters/slack/slack_text.h"

namespace opsbot {
namespace {

bool IsId(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!IsSlackIdChar(c)) return false;
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

}  // namespace opsbot
