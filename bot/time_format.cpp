#include "bot/time_format.h"

#include <date/tz.h>

#include <charconv>
#include <chrono>
#include <iterator>
#include <string_view>

#include "bot/messages.h"

namespace opsbot {

bool IsKnownTimeZone(const std::string& zone) {
  try {
    return date::locate_zone(zone) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::string FormatLocalTime(std::int64_t epoch, const std::string& zone) {
  auto tp = date::sys_seconds{std::chrono::seconds{epoch}};
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(zone.empty() ? "UTC" : zone);
  } catch (const std::exception&) {
    tz = date::locate_zone("UTC");
  }
  return date::format("%Y-%m-%d %H:%M", date::make_zoned(tz, tp));
}

namespace {

// Appends the one-field pattern (e.g. "{0}h", "{0}小时") with `n` in its field: what Tr(lang, id, n) gives,
// without its allocations (a page of ten tickets formats up to forty durations).
void AppendCount(std::string& out, std::string_view pattern, std::int64_t n) {
  std::size_t field = pattern.find("{0}");
  if (field == std::string_view::npos) {
    out += pattern;
    return;
  }
  char digits[24];
  auto end = std::to_chars(std::begin(digits), std::end(digits), n).ptr;
  out.append(pattern.substr(0, field));
  out.append(digits, end);
  out.append(pattern.substr(field + 3));
}

}  // namespace

std::string FormatDuration(std::int64_t seconds, Lang lang) {
  if (seconds < 0) seconds = -seconds;
  const std::int64_t units[] = {86400, 3600, 60, 1};
  const Msg names[] = {Msg::kDurDays, Msg::kDurHours, Msg::kDurMinutes, Msg::kDurSeconds};
  std::string out;
  int shown = 0;
  for (int i = 0; i < 4 && shown < 2; ++i) {
    std::int64_t n = seconds / units[i];
    if (n == 0 && shown == 0 && i < 3) continue;
    if (n == 0) break;
    seconds -= n * units[i];
    if (!out.empty() && lang == Lang::kEn) out += ' ';
    AppendCount(out, Pattern(lang, names[i]), n);
    ++shown;
  }
  if (out.empty()) AppendCount(out, Pattern(lang, Msg::kDurSeconds), 0);
  return out;
}

}  // namespace opsbot
