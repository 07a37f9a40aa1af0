#include "tests/bench/process_probe.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace walnut::bench {
namespace {

Result<double> cpu_seconds_of(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text;
  if (!std::getline(stat, text)) return Error{fmt::format("cannot read /proc/{}/stat", pid)};
  // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
  std::size_t close = text.rfind(')');
  if (close == std::string::npos) return Error{"malformed /proc/PID/stat"};
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rss_kb_of(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

int open_files_of(pid_t pid) {
  DIR* directory = opendir(fmt::format("/proc/{}/fd", pid).c_str());
  if (directory == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(directory)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(directory);
  return count;
}

}  // namespace

// On-CPU time of every thread from the scheduler's nanosecond accounting, where the kernel
// has it: /proc/PID/stat counts in clock ticks (10 ms), too coarse for "< 0.1% of a core".
Result<double> precise_cpu_seconds_of(pid_t pid) {
  DIR* tasks = opendir(fmt::format("/proc/{}/task", pid).c_str());
  if (tasks == nullptr) return Error{fmt::format("cannot read /proc/{}/task", pid)};
  unsigned long long nanos = 0;
  bool any = false;
  while (dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream schedstat(fmt::format("/proc/{}/task/{}/schedstat", pid, entry->d_name));
    unsigned long long on_cpu = 0;
    if (schedstat >> on_cpu) {
      nanos += on_cpu;
      any = true;
    }
  }
  closedir(tasks);
  // Threads that exited took their time with them; the tick count keeps it, so it is the
  // fallback when schedstat is missing.
  if (!any) return cpu_seconds_of(pid);
  return static_cast<double>(nanos) / 1e9;
}

Result<ProcessSample> sample_process(pid_t pid) {
  Result<double> cpu = cpu_seconds_of(pid);
  if (!cpu) return Error{cpu.error()};
  return ProcessSample{.cpu_seconds = *cpu, .rss_kb = rss_kb_of(pid), .open_files = open_files_of(pid)};
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

CpuMeter::CpuMeter(pid_t pid, bool precise) : pid_(pid), precise_(precise) { restart(); }

void CpuMeter::restart() {
  started_at_ = now_ns();
  cpu_at_start_ = cpu_now();
}

double CpuMeter::cpu_now() const {
  if (pid_ == 0) return own_cpu_seconds();
  Result<double> cpu = precise_ ? precise_cpu_seconds_of(pid_) : cpu_seconds_of(pid_);
  return cpu ? *cpu : -1.0;
}

double CpuMeter::percent() const {
  double cpu = cpu_now();
  if (cpu < 0 || cpu_at_start_ < 0) return -1.0;
  double wall = static_cast<double>(now_ns() - started_at_) / 1e9;
  return wall > 0 ? 100.0 * (cpu - cpu_at_start_) / wall : 0.0;
}

}  // namespace walnut::bench
