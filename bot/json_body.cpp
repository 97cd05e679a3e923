#include "bot/json_body.h"

namespace opsbot {

int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> ParseJsonObject(std::string_view body, int max_depth) {
  if (JsonNestingDepth(body, max_depth) > max_depth)
    return Status::Invalid("JSON nested deeper than " + std::to_string(max_depth) + " levels");
  try {
    auto j = nlohmann::json::parse(body);
    if (!j.is_object()) return Status::Invalid("the body must be a JSON object");
    return j;
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    return Status::Invalid(std::string("malformed JSON: ") + e.what());
  }
}

std::string JsonError(std::string_view code, std::string_view message, const nlohmann::json& fields) {
  nlohmann::json j = {{"error", code}, {"message", message}};
  if (!fields.is_null()) j["fields"] = fields;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace opsbot
