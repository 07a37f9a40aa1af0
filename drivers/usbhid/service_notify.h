// systemd's service notifications for the driver (Type=notify units): READY=1 once the socket
// serves, STOPPING=1 on the way out, and WATCHDOG=1 while the device thread keeps turning.
// No-ops outside systemd (no NOTIFY_SOCKET). Spoken without libsystemd (see the .cpp).
#pragma once

#include <chrono>
#include <optional>

namespace walnut::usbhid {

void notify_ready();
void notify_stopping();
void notify_watchdog();
// How often to send WATCHDOG=1 (half of WatchdogSec), or nothing when no watchdog is set.
std::optional<std::chrono::microseconds> watchdog_period();

}  // namespace walnut::usbhid
