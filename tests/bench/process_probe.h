// What the benchmark reads about a process: CPU time, resident memory and open files of the
// server under test (from /proc), and the load generator's own CPU time (getrusage).
#pragma once

#include <sys/types.h>

#include "common/result.h"
#include "tests/bench/clock.h"

namespace walnut::bench {

struct ProcessSample {
  double cpu_seconds = 0;  // user + system, all threads
  long rss_kb = 0;
  int open_files = 0;
};

Result<ProcessSample> sample_process(pid_t pid);

// User + system CPU seconds of this process.
double own_cpu_seconds();

// CPU use of a process (or of this one) over a window, in percent of one core.
class CpuMeter {
 public:
  // pid 0 measures this process. `precise`: sum the live threads' nanosecond scheduler
  // times (for idle processes; misses threads that exit in the window) instead of ticks.
  explicit CpuMeter(pid_t pid, bool precise = false);
  void restart();
  // Percent of one core since construction or restart(); -1 when the process is unreadable.
  double percent() const;

 private:
  double cpu_now() const;
  pid_t pid_;
  bool precise_ = false;
  Nanos started_at_ = 0;
  double cpu_at_start_ = 0;
};

}  // namespace walnut::bench
