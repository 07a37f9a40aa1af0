// A program the device lab serves, run as a child of the process that owns the testbed (only
// such children reach the testbed's ioctl handlers): spawn with an explicit environment, stop
// with SIGTERM, and always reap.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace walnut::devicelab {

class ChildProcess {
 public:
  // Starts `argv` with exactly `environment`; stdout and stderr go to `output_file` (appended)
  // when given, stdout to `stdout_file` instead when that is given too. pid() <= 0 if the
  // program could not be started.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
               const std::string& output_file = "", const std::string& stdout_file = "");
  // Stops the child if it still runs (SIGTERM, then SIGKILL after 10 s).
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Waits for the child to exit, at most `limit`; its wait status, or nothing on timeout.
  std::optional<int> wait(std::chrono::milliseconds limit);
  // SIGTERM, then SIGKILL if it has not exited within `grace`; returns the wait status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace walnut::devicelab
