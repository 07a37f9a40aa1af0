// sd_notify(3)'s datagram protocol, from its documented reference: one datagram per state.
#include "common/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace walnut::service {
namespace {

std::optional<std::string_view> environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

std::optional<unsigned long long> parse_unsigned(std::string_view text) {
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

bool notify(std::string_view state) {
  const auto socket_name = environment("NOTIFY_SOCKET");
  // Only the two AF_UNIX forms: a path, or '@' for the abstract namespace (vsock is for VMs).
  if (!socket_name || socket_name->size() < 2 ||
      (socket_name->front() != '/' && socket_name->front() != '@')) {
    return false;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_name->size() > sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, socket_name->data(), socket_name->size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name->size());
  if (address.sun_path[0] == '@') {
    address.sun_path[0] = '\0';  // abstract: the length counts, no terminating NUL
  } else if (socket_name->size() < sizeof(address.sun_path)) {
    ++length;
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  ::close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

bool notify_ready() { return notify("READY=1"); }
bool notify_stopping() { return notify("STOPPING=1"); }
bool notify_watchdog() { return notify("WATCHDOG=1"); }

bool notify_reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  return notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec));
}

std::optional<std::chrono::microseconds> watchdog_period(std::optional<std::string_view> usec,
                                                         std::optional<std::string_view> pid,
                                                         pid_t self) {
  if (!usec) return std::nullopt;
  const auto microseconds = parse_unsigned(*usec);
  if (!microseconds || *microseconds == 0) return std::nullopt;
  if (pid) {
    const auto owner = parse_unsigned(*pid);
    if (!owner || *owner != static_cast<unsigned long long>(self)) return std::nullopt;
  }
  return std::chrono::microseconds(static_cast<long long>(std::max(*microseconds / 2, 1ULL)));
}

std::optional<std::chrono::microseconds> watchdog_period() {
  return watchdog_period(environment("WATCHDOG_USEC"), environment("WATCHDOG_PID"), ::getpid());
}

}  // namespace walnut::service
