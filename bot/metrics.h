// Metrics: counters, histograms and gauges in the Prometheus text exposition format (version 0.0.4).
//
// Thread-safe. The hot path is lock-free once a labelled child exists: Inc/Observe are relaxed atomics;
// finding a child by its label values takes a shared (reader) lock, creating one an exclusive lock.
// Callers on hot paths may keep the Counter&/Histogram& they got: children are never moved or freed while
// the registry lives. Histogram values are in seconds.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace opsbot {

class Counter {
 public:
  void Inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double seconds);
  // Cumulative counts per bound (the last is +Inf), the count and the sum.
  std::vector<std::uint64_t> Cumulative() const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9; }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};
};

template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::function<std::unique_ptr<T>()> make)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), make_(std::move(make)) {}

  // The child for these label values (as many as label names), created on first use.
  T& With(const std::vector<std::string>& values) {
    {
      std::shared_lock lock(mu_);
      auto it = children_.find(values);
      if (it != children_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto& slot = children_[values];
    if (!slot) slot = make_();
    return *slot;
  }

  template <typename F>
  void ForEach(F f) const {
    std::shared_lock lock(mu_);
    for (const auto& [values, child] : children_)
      f(values, *child);
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labels() const { return labels_; }

 private:
  std::string name_, help_;
  std::vector<std::string> labels_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

class MetricsRegistry {
 public:
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> labels);
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> labels, std::vector<double> bounds);
  // A value read when /metrics is scraped.
  void AddGauge(const std::string& name, const std::string& help, std::function<double()> read);
  // Labelled values read when /metrics is scraped: one sample per set of label values (as many as labels).
  using GaugeSamples = std::vector<std::pair<std::vector<std::string>, double>>;
  void AddGaugeFamily(const std::string& name, const std::string& help, std::vector<std::string> labels,
                      std::function<GaugeSamples()> read);

  std::string Render() const;

  // Latency buckets from 100 µs to 10 s.
  static std::vector<double> LatencyBounds();

 private:
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  struct GaugeFamily {
    std::string name, help;
    std::vector<std::string> labels;
    std::function<GaugeSamples()> read;
  };
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<Gauge> gauges_;
  std::vector<GaugeFamily> gauge_families_;
};

}  // namespace opsbot
