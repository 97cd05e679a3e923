#include "bot/json_dom.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "bot/json_body.h"

namespace opsbot {

JsonDom::JsonDom(std::string_view body, int max_depth) {
  // simdjson's depth limit counts an empty innermost array or object one level less than JsonNestingDepth:
  // with `max_depth` it refuses every body deeper than that, and also one exactly that deep around a
  // non-empty innermost value, which the fallback below parses again with one level more.
  auto parse = [this](std::string_view text, int depth) {
    return parser_.allocate(std::max<std::size_t>(text.size(), 64), static_cast<std::size_t>(depth)) ==
               simdjson::SUCCESS &&
           parser_.parse(text.data(), text.size()).get(root_) == simdjson::SUCCESS;
  };
  if (parse(body, max_depth)) return;
  if (JsonNestingDepth(body, max_depth) > max_depth) {
    error_ = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
    return;
  }
  try {
    normalized_ = nlohmann::json::parse(body).dump();
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    error_ = std::string("malformed JSON: ") + e.what();
    return;
  }
  // nlohmann's own output: valid UTF-8, numbers simdjson reads, no deeper than checked above.
  if (!parse(normalized_, max_depth + 1))
    error_ = "malformed JSON: simdjson refused nlohmann's re-serialisation";
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
