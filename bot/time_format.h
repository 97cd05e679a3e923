// Rendering times and durations for people. Times are UTC epoch seconds; zones are IANA names.
#pragma once

#include <cstdint>
#include <string>

#include "bot/lang.h"

namespace opsbot {

// "2026-11-24 18:05" in `zone` (UTC if the zone is unknown or empty).
std::string FormatLocalTime(std::int64_t epoch, const std::string& zone);

// "1d 4h", "3h 20m", "45m", "30s" (two largest units); "1天4小时" in Chinese. Negative is treated as
// positive.
std::string FormatDuration(std::int64_t seconds, Lang lang);

// True when `zone` names a zone in the tz database.
bool IsKnownTimeZone(const std::string& zone);

}  // namespace opsbot
