// sd_notify(3)'s datagram protocol, spoken directly: linking libsystemd for these four calls
// mapped libsystemd and what it pulls in (libgcrypt, libgpg-error, liblzma, libzstd, liblz4,
// libcap) into every driver, about 1 MB of RSS (docs/benchmarks, "Memory"). The protocol is
// systemd's documented stable interface: one datagram to the AF_UNIX socket in $NOTIFY_SOCKET
// (a leading '@' names an abstract socket), and $WATCHDOG_USEC / $WATCHDOG_PID for the watchdog.
#include "drivers/usbhid/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace walnut::usbhid {
namespace {

void notify(std::string_view state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || (path[0] != '/' && path[0] != '@') || path[1] == '\0') return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = std::strlen(path);
  if (length >= sizeof(address.sun_path)) return;
  std::memcpy(address.sun_path, path, length);
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const auto address_length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  // Best effort, as sd_notify: a unit without Type=notify ignores it.
  (void)::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&address), address_length);
  ::close(fd);
}

std::optional<std::uint64_t> environment_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return value;
}

}  // namespace

void notify_ready() { notify("READY=1"); }
void notify_stopping() { notify("STOPPING=1"); }
void notify_watchdog() { notify("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_period() {
  const auto usec = environment_number("WATCHDOG_USEC");
  if (!usec || *usec == 0) return std::nullopt;
  // As sd_watchdog_enabled: a WATCHDOG_PID naming another process means the watchdog is not ours.
  if (const auto pid = environment_number("WATCHDOG_PID"); pid && *pid != static_cast<std::uint64_t>(::getpid()))
    return std::nullopt;
  return std::chrono::microseconds(*usec / 2);
}

}  // namespace walnut::usbhid
