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

// A platform's locale tag (IETF: "zh-CN", "zh-Hant-TW", "en-US") as a reply language; nullopt for any
// other language, which then falls back to the chat's or the configured default.
inline std::optional<Lang> LangFromLocale(std::string_view tag) {
  auto primary = tag.substr(0, tag.find_first_of("-_"));
  if (primary == "zh" || primary == "ZH") return Lang::kZh;
  if (primary == "en" || primary == "EN") return Lang::kEn;
  return std::nullopt;
}

inline const char* LangCode(Lang l) {
  return l == Lang::kZh ? "zh" : "en";
}

}  // namespace opsbot
