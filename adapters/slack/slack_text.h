// Slack's text conventions, both ways: the markup Slack puts into message text it sends us (`<@U123|name>`,
// `<#C1|general>`, `<https://…|label>`, `&amp; &lt; &gt;`), form-urlencoded bodies, and UTF-8 scanning.
// Pure functions; thread-safe. See shared/protocols.md §1.5.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/status.h"

namespace opsbot {

// Length of the valid UTF-8 sequence starting at s[i] (1–4), or 0 when the bytes there are not one
// (stray continuation byte, truncated, overlong, surrogate, above U+10FFFF). Requires i < s.size().
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i);
bool IsValidUtf8(std::string_view s);

// A character of a Slack id (U…, C…, T…, W…): an ASCII letter or digit.
inline bool IsSlackIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Slack message text → plain chat text: `<@U123>` and `<@U123|name>` → `@U123`; `<#C123|name>` → `#C123`;
// `<!here>` (and `<!channel>`, `<!everyone>`, `<!subteam^S1|@team>`) → `@here` (`@channel`, ..., `@S1`);
// `<https://x|label>` and `<mailto:a@b|a@b>` → the link itself; then `&lt; &gt; &amp;` are decoded — last,
// so text a user typed as "&lt;@U1&gt;" stays text and never becomes a mention. A `<` without a closing `>`
// is kept as it is.
std::string DecodeSlackText(std::string_view text);

}  // namespace opsbot
