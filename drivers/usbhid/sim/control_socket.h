// The simulated UPS's control socket: a Unix stream socket taking one command line per
// connection and answering with text ending in "OK" or "ERR <why>" (docs/simulator.md).
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"

namespace walnut::usbhid::sim {

// A listening, non-blocking socket at `path` (a stale socket file is replaced). Returns the fd.
Result<int> listen_control_socket(const std::string& path);
// Someone accepts connections on `path`.
bool control_socket_live(const std::string& path);
// Sends `line`, returns the whole reply (up to the server's close).
Result<std::string> send_control_request(const std::string& path, const std::string& line,
                                         std::chrono::milliseconds timeout);
// Serves one pending connection on `listen_fd`, if any: reads a line (waiting at most
// `timeout`), answers with `handle(line)`, closes. Returns false if nothing was pending.
template <typename Handler>
bool serve_one_request(int listen_fd, std::chrono::milliseconds timeout, Handler&& handle);

// Internals of serve_one_request.
int accept_control_client(int listen_fd);
Result<std::string> read_control_line(int fd, std::chrono::milliseconds timeout);
void write_and_close(int fd, const std::string& reply);

template <typename Handler>
bool serve_one_request(int listen_fd, std::chrono::milliseconds timeout, Handler&& handle) {
  const int fd = accept_control_client(listen_fd);
  if (fd < 0) return false;
  auto line = read_control_line(fd, timeout);
  write_and_close(fd, line ? handle(*line) : "ERR " + line.error() + "\n");
  return true;
}

}  // namespace walnut::usbhid::sim
