#include "bot/json_string.h"

#include <array>
#include <cstdint>

namespace opsbot {
namespace {

// Bytes copied as they are: printable ASCII (and DEL) but the quote and the backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c)
    t[c] = c != '"' && c != '\\';
  return t;
}();

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// The range the byte after `lead` must fall in (Unicode's table of well-formed sequences, which excludes
// overlong forms, surrogates and code points past U+10FFFF); the bytes after it are 0x80..0xBF.
struct Lead {
  int length;  // 0: not a lead byte
  std::uint8_t second_lo, second_hi;
};

constexpr Lead LeadOf(std::uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

// At s[i], a byte >= 0x80: the length of the valid sequence there (copied), or, negated, how many bytes
// an invalid one spans (replaced): a bad lead byte alone, or the lead and the continuation bytes that
// were valid before the one that is not (that one starts the next sequence).
int Sequence(std::string_view s, std::size_t i) {
  Lead lead = LeadOf(static_cast<std::uint8_t>(s[i]));
  if (lead.length == 0) return -1;
  for (int k = 1; k < lead.length; ++k) {
    if (i + k >= s.size()) return -k;
    auto b = static_cast<std::uint8_t>(s[i + k]);
    bool ok = k == 1 ? b >= lead.second_lo && b <= lead.second_hi : b >= 0x80 && b <= 0xBF;
    if (!ok) return -k;
  }
  return lead.length;
}

void AppendEscaped(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default: {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size() && kPlain[static_cast<unsigned char>(s[run])])
      ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendEscaped(out, c);
      ++i;
      continue;
    }
    int n = Sequence(s, i);
    if (n > 0) {
      out.append(s.data() + i, n);
      i += n;
    } else {
      out += kReplacement;
      i += -n;
    }
  }
  out += '"';
}

void AppendJsonStringOrNull(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, s);
  }
}

void AppendJsonStrings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

}  // namespace opsbot
