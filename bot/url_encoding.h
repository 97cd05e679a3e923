// URL encoding: application/x-www-form-urlencoded bodies and query strings. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/status.h"

namespace opsbot {

enum class PlusIs { kSpace, kPlus };

// Decodes an application/x-www-form-urlencoded body into (name, value) pairs in order: '&' separates
// pairs, the first '=' separates name from value ("name" alone has an empty value), '+' is a space (unless
// `plus` says it stays a '+', as in a WeCom query string: shared/protocols.md §5.15) and %XX a byte. Refuses
// (kInvalidArgument) a '%' not followed by two hex digits. Empty pairs ("a=1&&b=2") are skipped. Bytes are
// not checked for UTF-8 here.
Result<std::vector<std::pair<std::string, std::string>>> ParseFormUrlEncoded(std::string_view body,
                                                                             PlusIs plus = PlusIs::kSpace);

// Percent-encodes everything but ALPHA / DIGIT / "-" / "." / "_" / "~" (space → "%20"), as Slack does.
std::string FormUrlEncode(std::string_view s);

}  // namespace opsbot
