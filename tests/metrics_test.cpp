#include "bot/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace opsbot {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, CountersByLabelAreExposedInTextFormat) {
  MetricsRegistry m;
  auto& f = m.AddCounter("opsbot_requests_total", "Requests.", {"route", "status"});
  f.With({"/a", "200"}).Inc();
  f.With({"/a", "200"}).Inc(2);
  f.With({"/b", "404"}).Inc();
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE opsbot_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_requests_total{route=\"/a\",status=\"200\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("opsbot_requests_total{route=\"/b\",status=\"404\"} 1\n"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry m;
  m.AddCounter("c_total", "C.", {"l"}).With({"a\"b\\c\nd"}).Inc();
  EXPECT_THAT(m.Render(), HasSubstr("c_total{l=\"a\\\"b\\\\c\\nd\"} 1"));
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry m;
  auto& h = m.AddHistogram("lat_seconds", "Latency.", {}, {0.001, 0.01, 0.1}).With({});
  h.Observe(0.0005);
  h.Observe(0.005);
  h.Observe(0.005);
  h.Observe(5);
  std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"0.001\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"0.01\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"0.1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_count 4\n"));
  EXPECT_NEAR(h.sum(), 5.0105, 1e-6);
}

TEST(MetricsTest, GaugesAreReadAtRenderTime) {
  MetricsRegistry m;
  double v = 1;
  m.AddGauge("g", "G.", [&v] { return v; });
  EXPECT_THAT(m.Render(), HasSubstr("g 1\n"));
  v = 7;
  EXPECT_THAT(m.Render(), HasSubstr("g 7\n"));
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry m;
  auto& f = m.AddCounter("n_total", "N.", {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&f, t] {
      for (int i = 0; i < 10000; ++i)
        f.With({std::to_string((t + i) % 3)}).Inc();
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(f.With({"0"}).value() + f.With({"1"}).value() + f.With({"2"}).value(), 80000u);
}

}  // namespace
}  // namespace opsbot
