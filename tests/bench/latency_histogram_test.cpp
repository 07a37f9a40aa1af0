#include "tests/bench/latency_histogram.h"

#include <gtest/gtest.h>

namespace walnut::bench {
namespace {

TEST(LatencyHistogram, PercentilesUseNearestRank) {
  LatencyHistogram histogram;
  for (int value = 100; value >= 1; --value) histogram.record(value);
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.percentile(50), 50);
  EXPECT_EQ(histogram.percentile(99), 99);
  EXPECT_EQ(histogram.percentile(100), 100);
  EXPECT_EQ(histogram.percentile(0.1), 1);
  EXPECT_DOUBLE_EQ(histogram.mean(), 50.5);
}

TEST(LatencyHistogram, EmptyHistogramReportsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.percentile(50), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
}

TEST(LatencyHistogram, CountsSamplesBeyondTheCapWithoutKeepingThem) {
  LatencyHistogram histogram(3);
  for (int value : {5, 1, 9, 100, 200}) histogram.record(value);
  EXPECT_EQ(histogram.count(), 5u);
  EXPECT_EQ(histogram.percentile(100), 9);
}

TEST(LatencyHistogram, ClearForgetsEverything) {
  LatencyHistogram histogram;
  histogram.record(7);
  histogram.clear();
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.percentile(50), 0);
}

TEST(LatencyHistogram, MergeCombinesSamples) {
  LatencyHistogram a, b;
  a.record(1);
  a.record(2);
  b.record(3);
  b.record(4);
  a.merge(b);
  EXPECT_EQ(a.count(), 4u);
  EXPECT_EQ(a.percentile(75), 3);
}

}  // namespace
}  // namespace walnut::bench
