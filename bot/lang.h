// Lang: the two languages every reply exists in.
#pragma once

#include <optional>
#include <string_view>

namespace opsbot {

enum class Lang { kEn, kZh };

inline std::optional<Lang> ParseLang(std::string_view s) {
  if (s == "en" || s == "english") return Lang::kEn;
  if (s == "zh" || s == "zh-CN" || s == "chinese") return Lang::kZh;
  return std::nullopt;
}

inline const char* LangCode(Lang l) {
  return l == Lang::kZh ? "zh" : "en";
}

}  // namespace opsbot
