// Captures: what a pattern's first group matches, in order, across several texts — for e2e tests that
// follow numbered messages through a fake platform (one text may carry several: a digest).
#pragma once

#include <regex>
#include <string>
#include <vector>

namespace opsbot::testing {

inline std::vector<std::string> Captures(const std::vector<std::string>& texts, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (const std::string& text : texts)
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
      out.push_back((*it)[1].str());
  return out;
}

}  // namespace opsbot::testing
