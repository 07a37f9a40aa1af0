// Latency samples of one benchmark phase and their percentiles (exact, from the samples).
// Pure: no clocks or I/O here, so the percentile arithmetic is unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace walnut::bench {

class LatencyHistogram {
 public:
  // Keeps at most `max_samples` samples (memory stays bounded on long runs); later ones are
  // counted but not kept, which biases nothing as long as the cap is far above a run's count.
  explicit LatencyHistogram(std::size_t max_samples) : max_samples_(max_samples) {}
  LatencyHistogram() : LatencyHistogram(16'000'000) {}

  void record(std::int64_t nanos);
  void clear();

  std::uint64_t count() const { return count_; }
  // The p-th percentile (0 < p <= 100) of the kept samples by nearest rank; 0 when empty.
  // Not const: sorts the samples once.
  std::int64_t percentile(double p);
  double mean() const;

  // Appends another phase's kept samples (merging per-connection or per-round figures).
  void merge(const LatencyHistogram& other);

 private:
  std::size_t max_samples_;
  std::vector<std::int64_t> samples_;
  std::uint64_t count_ = 0;
  bool sorted_ = true;
};

}  // namespace walnut::bench
