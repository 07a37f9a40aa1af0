// A blocking one-shot client of the driver socket (poll(2) with a deadline; no Asio needed).
#include "drivers/usbhid/driver_query.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

namespace walnut::usbhid {
namespace {

int connect_to(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) return -1;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t sent = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

}  // namespace

bool driver_socket_answers(const std::string& socket_path) {
  const int fd = connect_to(socket_path);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::optional<int> query_driver(const std::string& socket_path, std::string_view request,
                                std::chrono::milliseconds timeout) {
  const int fd = connect_to(socket_path);
  if (fd < 0) return std::nullopt;
  const std::string id = fmt::format("walnut-{}", ::getpid());
  const std::string prefix = "TRACKING " + id + " ";
  std::optional<int> status;
  if (send_all(fd, fmt::format("NOBROADCAST\n{} TRACKING {}\n", request, id))) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string buffer;
    while (!status) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(got));
      for (std::size_t end; !status && (end = buffer.find('\n')) != std::string::npos;) {
        const std::string line = buffer.substr(0, end);
        buffer.erase(0, end + 1);
        if (line.rfind(prefix, 0) == 0) status = std::atoi(line.c_str() + prefix.size());
      }
    }
  }
  ::close(fd);
  return status;
}

}  // namespace walnut::usbhid
