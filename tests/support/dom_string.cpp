#include "tests/support/dom_string.h"

namespace opsbot::testing {

std::string DomString(const nlohmann::json& object, const char* key, std::size_t max, std::string& error) {
  auto it = object.find(key);
  if (!error.empty() || it == object.end() || it->is_null()) return "";
  if (!it->is_string())
    error = std::string("field '") + key + "' must be a string";
  else if (it->get<std::string>().size() > max)
    error = std::string("field '") + key + "' is too long";
  return error.empty() ? it->get<std::string>() : "";
}

}  // namespace opsbot::testing
