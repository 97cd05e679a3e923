// JSON request bodies and JSON error responses, the same for every route.
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>

#include "bot/status.h"

namespace opsbot {

// How deep a request body's arrays and objects may nest, and what a body that is no object is told: the same
// for every reader of a request body (ParseJsonObject, ReadJsonMembers, a JsonDom walked by hand).
inline constexpr int kJsonRequestMaxDepth = 32;
inline constexpr const char* kJsonNotAnObject = "the body must be a JSON object";

// Parses a request body as a JSON object. Refuses (kInvalidArgument, with the parser's message) malformed
// JSON, a top-level value that is not an object, and nesting deeper than `max_depth` — checked by a scan
// before parsing, so no input can exhaust the stack.
Result<nlohmann::json> ParseJsonObject(std::string_view body, int max_depth = kJsonRequestMaxDepth);

// A top-level member of a JSON object as ReadJsonMembers reads it: the last of its duplicates.
struct JsonMember {
  enum State { kAbsent, kNull, kString, kOther };
  State state = kAbsent;
  std::string value;  // when kString
};

// The members of the JSON object `body` named in names[i], into out[i] (names.size() == out.size()); nested
// values are skipped. Refuses what ParseJsonObject refuses, with the same messages. Read by simdjson (a
// tenth of the instructions of nlohmann's SAX parser on a chat message, which itself needs a third of its
// DOM's); a body simdjson refuses is read again by nlohmann's SAX parser, which decides: it words the
// errors, and accepts the few documents simdjson alone refuses (a byte-order mark, an integer past 64 bits).
Status ReadJsonMembers(std::string_view body, std::span<const std::string_view> names,
                       std::span<JsonMember> out, int max_depth = kJsonRequestMaxDepth);

namespace detail {
// Bodies up to this size are read by simdjson, whose per-thread parser keeps buffers sized by the largest.
inline constexpr std::size_t kSimdjsonMaxBytes = 8 * 1024;
// ReadJsonMembers' first reading (names.size() == out.size()): false, with `out` untouched, when simdjson
// refuses `body`, finds no object at its top, or `body` is over kSimdjsonMaxBytes. Exposed for its tests.
bool ReadJsonMembersBySimdjson(std::string_view body, std::span<const std::string_view> names,
                               std::span<JsonMember> out);
}  // namespace detail

// The deepest nesting of arrays and objects in `text`, outside strings; stops counting past `limit`.
int JsonNestingDepth(std::string_view text, int limit);

// {"error": code, "message": message} (+ "fields" when given), serialised.
std::string JsonError(std::string_view code, std::string_view message,
                      const nlohmann::json& fields = nlohmann::json());

}  // namespace opsbot
