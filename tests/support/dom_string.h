// The oracle side of the tests that hold simdjson readers (bot/json_dom.h) to what nlohmann's DOM read: the
// rule for a string member, written against nlohmann::json.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace opsbot::testing {

// The string member `key` of `object` as the DOM readers read it: "" when absent or null; otherwise, when it
// is not a string or is over `max` bytes, "" with `error` set ("field 'KEY' must be a string" / "... is too
// long"). Once `error` is set, reads nothing more.
std::string DomString(const nlohmann::json& object, const char* key, std::size_t max, std::string& error);

}  // namespace opsbot::testing
