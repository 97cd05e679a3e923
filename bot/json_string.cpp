#include "bot/json_string.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace opsbot {
namespace {

// Bytes copied as they are: printable ASCII (and DEL) but the quote and the backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c)
    t[c] = c != '"' && c != '\\';
  return t;
}();

// Where the run of plain bytes from s[i] ends: eight bytes at a time (no byte below 0x20 or from 0x80, no
// quote, no backslash: the usual tests for a byte under n or equal to c in a word, whose lowest flagged byte
// is exact, so on a little-endian machine the first byte that is not plain is found in the word), the last
// few bytes one by one.
std::size_t PlainRunEnd(std::string_view s, std::size_t i) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  while (i + 8 <= s.size()) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
    const std::uint64_t special =
        (((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | w) &
        kHighs;
    if (special != 0) {
      if constexpr (std::endian::native == std::endian::little)
        return i + static_cast<std::size_t>(std::countr_zero(special) / 8);
      break;
    }
    i += 8;
  }
  while (i < s.size() && kPlain[static_cast<unsigned char>(s[i])])
    ++i;
  return i;
}

constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

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
    // What is copied as it is, plain bytes and valid UTF-8 sequences, in one append.
    std::size_t run = PlainRunEnd(s, i);
    for (int n; run < s.size() && static_cast<unsigned char>(s[run]) >= 0x80 && (n = Sequence(s, run)) > 0;)
      run = PlainRunEnd(s, run + static_cast<std::size_t>(n));
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendEscaped(out, c);
      ++i;
    } else {
      out += kReplacementUtf8;
      i += static_cast<std::size_t>(-Sequence(s, i));
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
