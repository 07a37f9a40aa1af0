// systemd's service notifications (Type=notify units), for upsd and the drivers: READY=1 once
// they serve, WATCHDOG=1 at half of WatchdogSec, RELOADING=1 .. READY=1 around a reload, and
// STOPPING=1 on the way out. No-ops outside systemd (no NOTIFY_SOCKET in the environment).
//
// This is the datagram protocol sd_notify(3) documents as stable ("NOTES": one AF_UNIX
// datagram of newline-separated assignments to $NOTIFY_SOCKET, '@' for the abstract
// namespace), not libsystemd: libsystemd.so.0 pulls in libgcrypt, libgpg-error, liblzma,
// libzstd, liblz4 and libcap, and raised upsd's RSS from 6.7 MB to 7.5 MB (+0.8 MB, +12 %;
// Debian 12, upsd serving the simulated UPS, libsystemd loaded with LD_PRELOAD) for what the
// few lines below do. So every build can notify, with no optional dependency.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string_view>

namespace walnut::service {

// Sends `state` (e.g. "READY=1") to $NOTIFY_SOCKET. True when sent; false when not under
// systemd or the send failed (nothing a daemon could do about it either way).
bool notify(std::string_view state);

bool notify_ready();
bool notify_stopping();
bool notify_watchdog();
// RELOADING=1 with MONOTONIC_USEC=, as sd_notify(3) asks of reloads; send notify_ready() after.
bool notify_reloading();

// How often to send WATCHDOG=1 (half of WatchdogSec), or nothing when no watchdog is set.
std::optional<std::chrono::microseconds> watchdog_period();

// Pure: the period from $WATCHDOG_USEC and $WATCHDOG_PID (which, when set, must be `self`,
// else the watchdog is meant for another process of the service).
std::optional<std::chrono::microseconds> watchdog_period(std::optional<std::string_view> usec,
                                                         std::optional<std::string_view> pid,
                                                         pid_t self);

}  // namespace walnut::service
