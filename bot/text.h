// Chat text helpers: normalisation, tokens, UTF-8, edit distance. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace opsbot {

// Full-width ASCII forms (＠ ＃ Ｐ１ …, U+FF01–FF5E) become ASCII, the ideographic space (U+3000) and
// other Unicode spaces become ' ', invalid UTF-8 bytes become U+FFFD, and control characters are dropped.
std::string NormalizeChatText(std::string_view text);

// Splits on runs of ASCII whitespace.
std::vector<std::string> Tokenize(std::string_view text);

std::string Join(const std::vector<std::string>& parts, std::string_view sep, std::size_t from = 0);
std::string ToLowerAscii(std::string_view s);
inline bool IsAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}
// Without leading and trailing ASCII spaces, tabs and line breaks.
std::string TrimAscii(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Unicode code points of valid UTF-8 (invalid bytes count as one each).
std::vector<char32_t> DecodeUtf8(std::string_view s);
std::string EncodeUtf8(const std::vector<char32_t>& cps);
std::size_t Utf8Length(std::string_view s);

// True when the text holds a CJK ideograph.
bool ContainsCjk(std::string_view s);

// Levenshtein distance over code points, case-insensitive for ASCII.
std::size_t EditDistance(std::string_view a, std::string_view b);

// At most `max_cp` code points of `s`, with "…" appended when cut.
std::string TruncateUtf8(std::string_view s, std::size_t max_cp);

}  // namespace opsbot
