// sd_notify(3) wrappers.
#include "drivers/usbhid/service_notify.h"

#ifdef WALNUT_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace walnut::usbhid {

#ifdef WALNUT_HAVE_SYSTEMD
void notify_ready() { sd_notify(0, "READY=1"); }
void notify_stopping() { sd_notify(0, "STOPPING=1"); }
void notify_watchdog() { sd_notify(0, "WATCHDOG=1"); }
std::optional<std::chrono::microseconds> watchdog_period() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}
#else
void notify_ready() {}
void notify_stopping() {}
void notify_watchdog() {}
std::optional<std::chrono::microseconds> watchdog_period() { return std::nullopt; }
#endif

}  // namespace walnut::usbhid
