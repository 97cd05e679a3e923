// JsonDom: a JSON request body parsed by simdjson into a read-only DOM, for readers that walk a body's
// members themselves (a DingTalk callback, a WeCom smart-bot message). A tenth of the instructions of
// nlohmann's parsers (SAX or DOM) on such a body.
//
// Verdicts are nlohmann's, as everywhere else in opsbot: a body simdjson refuses is parsed again by nlohmann,
// and one that nlohmann accepts (a byte-order mark, an integer past 64 bits: all simdjson refuses that
// nlohmann takes) is read as nlohmann re-serialises it, so that its members read the same. Nesting deeper
// than `max_depth` (arrays and objects, counted as JsonNestingDepth counts them) is refused either way,
// without recursing. Owns its parser and its memory: elements from root() are valid while the JsonDom lives.
// Not thread-safe; one per request.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bot/status.h"

namespace opsbot {

class JsonDom {
 public:
  static constexpr int kMaxDepth = 256;

  explicit JsonDom(std::string_view body, int max_depth = kMaxDepth);
  JsonDom(const JsonDom&) = delete;
  JsonDom& operator=(const JsonDom&) = delete;

  // Whether the body is JSON; if not, error() says why, as ParseJsonObject does: in nlohmann's words
  // ("malformed JSON: [json.exception.…"), or "JSON nested deeper than N levels".
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // The top-level value; only when ok().
  simdjson::dom::element root() const { return root_; }

 private:
  simdjson::dom::parser parser_{};
  std::string normalized_;  // nlohmann's re-serialisation, when simdjson refused the body itself
  simdjson::dom::element root_{};
  std::string error_;
};

// The value of the last member of `object` called `key`: of duplicate keys the last counts, as in nlohmann's
// DOM. nullopt when there is none.
std::optional<simdjson::dom::element> LastMember(simdjson::dom::object object, std::string_view key);

// A member read as a string: "" when absent or null; an error ("field 'KEY' must be a string", "... is too
// long") when present with another type or over `max` bytes.
Result<std::string> StringMember(const std::optional<simdjson::dom::element>& value, std::string_view key,
                                 std::size_t max);

}  // namespace opsbot
