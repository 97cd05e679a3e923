#include "bot/time_format.h"

#include <date/tz.h>

#include <chrono>

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
    if (!out.empty() && lang == Lang::kEn) out += " ";
    out += Tr(lang, names[i], n);
    ++shown;
  }
  return out.empty() ? Tr(lang, Msg::kDurSeconds, 0) : out;
}

}  // namespace opsbot
