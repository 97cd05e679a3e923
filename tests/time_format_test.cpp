// Unit tests for bot/time_format.h: local times in IANA zones, and durations in English and Chinese.
#include "bot/time_format.h"

#include <gtest/gtest.h>

namespace opsbot {
namespace {

constexpr std::int64_t kNewYear2026 = 1767225600;  // 2026-01-01 00:00:00 UTC
// New York springs forward on 2026-03-08 at 07:00 UTC and falls back on 2026-11-01 at 06:00 UTC.
constexpr std::int64_t kSpringForward = 1772953200;
constexpr std::int64_t kFallBack = 1793512800;

TEST(FormatLocalTime, RendersInTheGivenZone) {
  EXPECT_EQ(FormatLocalTime(kNewYear2026, "UTC"), "2026-01-01 00:00");
  EXPECT_EQ(FormatLocalTime(kNewYear2026, "Asia/Shanghai"), "2026-01-01 08:00");
  EXPECT_EQ(FormatLocalTime(kNewYear2026 + 5 * 60 + 59, "Asia/Shanghai"), "2026-01-01 08:05");  // no rounding
  EXPECT_EQ(FormatLocalTime(kNewYear2026, "America/New_York"), "2025-12-31 19:00");
}

TEST(FormatLocalTime, EmptyOrUnknownZoneFallsBackToUtc) {
  EXPECT_EQ(FormatLocalTime(kNewYear2026, ""), "2026-01-01 00:00");
  EXPECT_EQ(FormatLocalTime(kNewYear2026, "Mars/Olympus_Mons"), "2026-01-01 00:00");
}

TEST(FormatLocalTime, FollowsDaylightSavingTransitions) {
  // Spring: 01:59 EST is followed by 03:00 EDT.
  EXPECT_EQ(FormatLocalTime(kSpringForward - 60, "America/New_York"), "2026-03-08 01:59");
  EXPECT_EQ(FormatLocalTime(kSpringForward, "America/New_York"), "2026-03-08 03:00");
  // Autumn: 01:59 EDT is followed by 01:00 EST.
  EXPECT_EQ(FormatLocalTime(kFallBack - 60, "America/New_York"), "2026-11-01 01:59");
  EXPECT_EQ(FormatLocalTime(kFallBack, "America/New_York"), "2026-11-01 01:00");
  // Shanghai has no DST: a plain minute apart on both occasions.
  EXPECT_EQ(FormatLocalTime(kSpringForward - 60, "Asia/Shanghai"), "2026-03-08 14:59");
  EXPECT_EQ(FormatLocalTime(kSpringForward, "Asia/Shanghai"), "2026-03-08 15:00");
}

TEST(IsKnownTimeZone, KnowsTheTzDatabase) {
  EXPECT_TRUE(IsKnownTimeZone("Asia/Shanghai"));
  EXPECT_TRUE(IsKnownTimeZone("UTC"));
  EXPECT_FALSE(IsKnownTimeZone("Mars/Olympus_Mons"));
  EXPECT_FALSE(IsKnownTimeZone(""));
}

TEST(FormatDuration, TwoLargestUnitsInEnglish) {
  EXPECT_EQ(FormatDuration(30, Lang::kEn), "30s");
  EXPECT_EQ(FormatDuration(45 * 60, Lang::kEn), "45m");
  EXPECT_EQ(FormatDuration(3 * 3600 + 20 * 60 + 15, Lang::kEn), "3h 20m");  // seconds dropped
  EXPECT_EQ(FormatDuration(86400 + 4 * 3600 + 59 * 60, Lang::kEn), "1d 4h");
  EXPECT_EQ(FormatDuration(90, Lang::kEn), "1m 30s");
  EXPECT_EQ(FormatDuration(2 * 3600, Lang::kEn), "2h");
  EXPECT_EQ(FormatDuration(0, Lang::kEn), "0s");
}

TEST(FormatDuration, TwoLargestUnitsInChinese) {
  EXPECT_EQ(FormatDuration(30, Lang::kZh), "30秒");
  EXPECT_EQ(FormatDuration(86400 + 4 * 3600, Lang::kZh), "1天4小时");
  EXPECT_EQ(FormatDuration(3 * 3600 + 20 * 60, Lang::kZh), "3小时20分钟");
  EXPECT_EQ(FormatDuration(0, Lang::kZh), "0秒");
}

TEST(FormatDuration, NegativeIsTreatedAsPositive) {
  EXPECT_EQ(FormatDuration(-(3 * 3600 + 20 * 60), Lang::kEn), FormatDuration(3 * 3600 + 20 * 60, Lang::kEn));
  EXPECT_EQ(FormatDuration(-90, Lang::kZh), "1分钟30秒");
}

}  // namespace
}  // namespace opsbot
