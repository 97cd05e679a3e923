// JSON string literals written straight into an output buffer, for the responses built on every request.
//
// nlohmann::json's dump() decodes every byte through its UTF-8 automaton and buffers it: about 30
// instructions a byte, 40k for one page of `ticket list`. This copies runs of plain ASCII whole and decodes
// only what is not. The output is byte for byte what dump(-1, ' ', false, error_handler_t::replace) gives
// for the same string (tests/json_string_test.cpp checks it against nlohmann on random bytes):
// `"` `\` and control characters escaped (\b \t \n \f \r, else \u00xx), other text as is, and each invalid
// UTF-8 sequence (its longest valid prefix, or a lone bad byte) replaced by one U+FFFD.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace opsbot {

// Appends `s` to `out` as a quoted JSON string.
void AppendJsonString(std::string& out, std::string_view s);

// Appends `s` as a quoted JSON string, or `null` when it is empty (an unset optional field).
void AppendJsonStringOrNull(std::string& out, std::string_view s);

// Appends `items` to `out` as a JSON array of strings.
void AppendJsonStrings(std::string& out, const std::vector<std::string>& items);

}  // namespace opsbot
