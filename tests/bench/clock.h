// Monotonic time for the benchmark tools: nanosecond stamps and deadlines.
// Every wait and loop in the load generator is bounded by a Deadline from here.
#pragma once

#include <chrono>
#include <cstdint>

namespace walnut::bench {

using Nanos = std::int64_t;

inline Nanos now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline Nanos seconds_to_ns(double seconds) { return static_cast<Nanos>(seconds * 1e9); }

// A point in time after which a loop must give up.
class Deadline {
 public:
  explicit Deadline(double seconds_from_now) : at_(now_ns() + seconds_to_ns(seconds_from_now)) {}
  bool passed() const { return now_ns() >= at_; }
  // Milliseconds left, at least 0: the timeout for one epoll_wait/poll call.
  int remaining_ms() const {
    Nanos left = at_ - now_ns();
    return left <= 0 ? 0 : static_cast<int>((left + 999'999) / 1'000'000);
  }

 private:
  Nanos at_;
};

}  // namespace walnut::bench
