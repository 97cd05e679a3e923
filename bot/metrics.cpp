#include "bot/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace opsbot {
namespace {

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extra = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0);
}

void Histogram::Observe(double seconds) {
  std::size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::Cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    out[i] = running += buckets_[i].load(std::memory_order_relaxed);
  return out;
}

Family<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                             std::vector<std::string> labels) {
  counters_.push_back(std::make_unique<Family<Counter>>(name, help, std::move(labels),
                                                        [] { return std::make_unique<Counter>(); }));
  return *counters_.back();
}

Family<Histogram>& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                                 std::vector<std::string> labels,
                                                 std::vector<double> bounds) {
  histograms_.push_back(std::make_unique<Family<Histogram>>(
      name, help, std::move(labels), [bounds] { return std::make_unique<Histogram>(bounds); }));
  return *histograms_.back();
}

void MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                               std::function<double()> read) {
  gauges_.push_back({name, help, std::move(read)});
}

void MetricsRegistry::AddGaugeFamily(const std::string& name, const std::string& help,
                                     std::vector<std::string> labels, std::function<GaugeSamples()> read) {
  gauge_families_.push_back({name, help, std::move(labels), std::move(read)});
}

std::vector<double> MetricsRegistry::LatencyBounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string MetricsRegistry::Render() const {
  std::string out;
  for (const auto& f : counters_) {
    out += "# HELP " + f->name() + " " + f->help() + "\n# TYPE " + f->name() + " counter\n";
    f->ForEach([&](const std::vector<std::string>& values, const Counter& c) {
      out += f->name() + Labels(f->labels(), values) + " " + std::to_string(c.value()) + "\n";
    });
  }
  for (const auto& f : histograms_) {
    out += "# HELP " + f->name() + " " + f->help() + "\n# TYPE " + f->name() + " histogram\n";
    f->ForEach([&](const std::vector<std::string>& values, const Histogram& h) {
      auto cum = h.Cumulative();
      for (std::size_t i = 0; i < cum.size(); ++i) {
        std::string le =
            "le=\"" + (i < h.bounds().size() ? Number(h.bounds()[i]) : std::string("+Inf")) + "\"";
        out += f->name() + "_bucket" + Labels(f->labels(), values, le) + " " + std::to_string(cum[i]) + "\n";
      }
      out += f->name() + "_sum" + Labels(f->labels(), values) + " " + Number(h.sum()) + "\n";
      out += f->name() + "_count" + Labels(f->labels(), values) + " " + std::to_string(h.count()) + "\n";
    });
  }
  for (const auto& g : gauges_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    out += g.name + " " + Number(g.read()) + "\n";
  }
  for (const auto& g : gauge_families_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    for (const auto& [values, v] : g.read())
      out += g.name + Labels(g.labels, values) + " " + Number(v) + "\n";
  }
  return out;
}

}  // namespace opsbot
