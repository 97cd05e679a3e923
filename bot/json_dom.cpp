#include "bot/json_dom.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "bot/json_body.h"

namespace opsbot {

JsonDom::JsonDom(std::string_view body) {
  // Sized for this body, with the depth limit (a later parse keeps the limit, growing the buffers if need
  // be).
  if (parser_.allocate(std::max<std::size_t>(body.size(), 64), static_cast<std::size_t>(kMaxDepth)) !=
      simdjson::SUCCESS) {
    error_ = "out of memory";
    return;
  }
  if (parser_.parse(body.data(), body.size()).get(root_) == simdjson::SUCCESS) return;
  if (JsonNestingDepth(body, kMaxDepth) > kMaxDepth) {
    error_ = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
    return;
  }
  try {
    normalized_ = nlohmann::json::parse(body).dump();
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    error_ = std::string("malformed JSON: ") + e.what();
    return;
  }
  // nlohmann's own output, with valid UTF-8 and numbers simdjson reads: only a bug would land here.
  if (parser_.parse(normalized_).get(root_) != simdjson::SUCCESS) error_ = "malformed JSON";
}

std::optional<simdjson::dom::element> LastMember(simdjson::dom::object object, std::string_view key) {
  std::optional<simdjson::dom::element> found;
  for (auto [k, v] : object)
    if (k == key) found = v;
  return found;
}

Result<std::string> StringMember(const std::optional<simdjson::dom::element>& value, std::string_view key,
                                 std::size_t max) {
  if (!value || value->is_null()) return std::string();
  std::string_view s;
  if (value->get_string().get(s) != simdjson::SUCCESS)
    return Status::Invalid("field '" + std::string(key) + "' must be a string");
  if (s.size() > max) return Status::Invalid("field '" + std::string(key) + "' is too long");
  return std::string(s);
}

}  // namespace opsbot
