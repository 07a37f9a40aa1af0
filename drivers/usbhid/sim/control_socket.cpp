// The control socket's I/O.
#include "drivers/usbhid/sim/control_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace walnut::usbhid::sim {
namespace {

Result<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return Error{"socket path too long: " + path};
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd entry{fd, events, 0};
  int ready = 0;
  do {
    ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

Result<int> connect_to(const std::string& path) {
  auto address = address_of(path);
  if (!address) return Error{address.error()};
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("socket: ") + std::strerror(errno)};
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0) {
    const int saved = errno;
    ::close(fd);
    return Error{"can't connect to " + path + ": " + std::strerror(saved)};
  }
  return fd;
}

}  // namespace

Result<int> listen_control_socket(const std::string& path) {
  auto address = address_of(path);
  if (!address) return Error{address.error()};
  ::unlink(path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Error{std::string("socket: ") + std::strerror(errno)};
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0 ||
      ::listen(fd, 16) != 0) {
    const int saved = errno;
    ::close(fd);
    return Error{"can't listen on " + path + ": " + std::strerror(saved)};
  }
  return fd;
}

bool control_socket_live(const std::string& path) {
  auto fd = connect_to(path);
  if (!fd) return false;
  ::close(*fd);
  return true;
}

Result<std::string> send_control_request(const std::string& path, const std::string& line,
                                         std::chrono::milliseconds timeout) {
  auto fd = connect_to(path);
  if (!fd) return Error{fd.error()};
  const std::string request = line + "\n";
  if (::send(*fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(*fd);
    return Error{"can't send to " + path};
  }
  ::shutdown(*fd, SHUT_WR);
  std::string reply;
  char buffer[4096];
  while (wait_for(*fd, POLLIN, timeout)) {
    const ssize_t n = ::read(*fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(*fd);
  if (reply.empty()) return Error{"no reply from " + path};
  return reply;
}

int accept_control_client(int listen_fd) {
  return ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
}

Result<std::string> read_control_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  char buffer[512];
  while (line.find('\n') == std::string::npos && line.size() < 4096) {
    if (!wait_for(fd, POLLIN, timeout)) return Error{"timed out reading the command"};
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  if (auto end = line.find('\n'); end != std::string::npos) line.resize(end);
  return line;
}

void write_and_close(int fd, const std::string& reply) {
  std::size_t sent = 0;
  while (sent < reply.size() && wait_for(fd, POLLOUT, std::chrono::milliseconds(1000))) {
    const ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace walnut::usbhid::sim
