// A test's end of a driver's socket (NUT's driver socket protocol, as upsd speaks it): connect,
// send a line, read lines with a deadline, and DUMPALL into a variable map.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace walnut::devicelab {

class DriverSocketClient {
 public:
  // Connects to the Unix socket at `path`, retrying until it accepts or `limit` passes.
  static std::optional<DriverSocketClient> connect(const std::string& path,
                                                   std::chrono::milliseconds limit);
  DriverSocketClient(DriverSocketClient&& other) noexcept;
  DriverSocketClient& operator=(DriverSocketClient&&) = delete;
  ~DriverSocketClient();

  bool send(const std::string& line);  // appends the newline
  // The next line (without newline), or nothing if none arrives within `limit` or the driver
  // closed the socket.
  std::optional<std::string> read_line(std::chrono::milliseconds limit);
  // Reads lines until one satisfies `wanted`; that line, or nothing on timeout.
  std::optional<std::string> wait_for(const std::function<bool(const std::string&)>& wanted,
                                      std::chrono::milliseconds limit);
  // DUMPALL: every SETINFO variable and value, or nothing if DUMPDONE did not come in time.
  // Lines broadcast meanwhile are consumed.
  std::optional<std::map<std::string, std::string>> dump_all(std::chrono::milliseconds limit);

 private:
  explicit DriverSocketClient(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace walnut::devicelab
