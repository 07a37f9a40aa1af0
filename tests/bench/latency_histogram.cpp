#include "tests/bench/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace walnut::bench {

void LatencyHistogram::record(std::int64_t nanos) {
  ++count_;
  if (samples_.size() >= max_samples_) return;
  if (!samples_.empty() && nanos < samples_.back()) sorted_ = false;
  samples_.push_back(nanos);
}

void LatencyHistogram::clear() {
  samples_.clear();
  count_ = 0;
  sorted_ = true;
}

std::int64_t LatencyHistogram::percentile(double p) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples_.size())));
  if (rank == 0) rank = 1;
  return samples_[rank - 1];
}

double LatencyHistogram::mean() const {
  if (samples_.empty()) return 0.0;
  long double sum = std::accumulate(samples_.begin(), samples_.end(), 0.0L);
  return static_cast<double>(sum / static_cast<long double>(samples_.size()));
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::int64_t sample : other.samples_) record(sample);
  count_ += other.count_ - other.samples_.size();
}

}  // namespace walnut::bench
