#include "tests/bench/sim_control.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tests/bench/clock.h"
#include "tests/bench/loopback_socket.h"

namespace walnut::bench {
namespace {

Result<std::string> read_until_close(int fd, double timeout_seconds) {
  std::string reply;
  std::array<char, 4096> buffer;
  Deadline deadline(timeout_seconds);
  while (reply.size() < 65536) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, deadline.remaining_ms()) <= 0) {
      return Error{fmt::format("sim control: no complete reply in {} s", timeout_seconds)};
    }
    ssize_t received = recv(fd, buffer.data(), buffer.size(), 0);
    if (received < 0 && errno == EINTR) continue;
    if (received < 0) return Error{fmt::format("sim control: recv: {}", std::strerror(errno))};
    if (received == 0) break;
    reply.append(buffer.data(), static_cast<std::size_t>(received));
  }
  return reply;
}

}  // namespace

Result<std::string> send_sim_control(const std::string& path, const std::string& line,
                                     double timeout_seconds) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) return Error{"sim control: socket path too long"};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{fmt::format("sim control: socket: {}", std::strerror(errno))};
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    Error error{fmt::format("sim control: connect {}: {}", path, std::strerror(errno))};
    close(fd);
    return error;
  }
  Status sent = send_all(fd, line + "\n");
  Result<std::string> reply = sent ? read_until_close(fd, timeout_seconds) : Result<std::string>(Error{sent.error()});
  close(fd);
  if (!reply) return reply;
  std::string_view text = *reply;
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!(text == "OK" || text.ends_with("\nOK"))) return Error{fmt::format("sim control: \"{}\" -> {}", line, text)};
  return reply;
}

}  // namespace walnut::bench
