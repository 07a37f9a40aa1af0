#include "tests/bench/loopback_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace walnut::bench {
namespace {

std::string errno_text(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

}  // namespace

Result<Endpoint> loopback_endpoint(std::string_view host, std::uint16_t port) {
  Endpoint endpoint;
  std::string host_text(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&endpoint.address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&endpoint.address);
  if (inet_pton(AF_INET, host_text.c_str(), &v4->sin_addr) == 1) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) {
      return Error{fmt::format("{} is not a loopback address (127.0.0.0/8 or ::1 only)", host)};
    }
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    endpoint.length = sizeof(sockaddr_in);
    endpoint.text = fmt::format("{}:{}", host, port);
  } else if (inet_pton(AF_INET6, host_text.c_str(), &v6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
      return Error{fmt::format("{} is not a loopback address (127.0.0.0/8 or ::1 only)", host)};
    }
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    endpoint.length = sizeof(sockaddr_in6);
    endpoint.text = fmt::format("[{}]:{}", host, port);
  } else {
    return Error{fmt::format("{} is not a numeric address", host)};
  }
  return endpoint;
}

Result<int> start_connect(const Endpoint& endpoint) {
  int fd = socket(endpoint.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{errno_text("socket")};
  if (connect(fd, reinterpret_cast<const sockaddr*>(&endpoint.address), endpoint.length) != 0 &&
      errno != EINPROGRESS) {
    Error error{errno_text("connect")};
    close(fd);
    return error;
  }
  return fd;
}

Result<int> connect_blocking(const Endpoint& endpoint) {
  int fd = socket(endpoint.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{errno_text("socket")};
  if (connect(fd, reinterpret_cast<const sockaddr*>(&endpoint.address), endpoint.length) != 0) {
    Error error{errno_text("connect")};
    close(fd);
    return error;
  }
  // Bounded: a server that never answers fails the sample instead of hanging the benchmark.
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return fd;
}

Status send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return Error{errno_text("send")};
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return Ok{};
}

void close_with_reset(int fd) {
  linger reset{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close(fd);
}

Status raise_open_file_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return Error{errno_text("getrlimit")};
  if (limit.rlim_cur >= wanted) return Ok{};
  if (limit.rlim_max < wanted) {
    return Error{fmt::format("open-file limit: need {}, hard limit is {}", wanted, limit.rlim_max)};
  }
  limit.rlim_cur = wanted;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return Error{errno_text("setrlimit")};
  return Ok{};
}

}  // namespace walnut::bench
