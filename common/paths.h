// Where NUT keeps things: config directory, state directory (driver sockets), pid files, and
// the driver socket name, from NUT's environment variables with Debian's defaults.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace walnut::paths {

inline constexpr const char* kDefaultConfPath = "/etc/nut";   // Debian's CONFPATH
inline constexpr const char* kDefaultStatePath = "/run/nut";  // Debian's STATEPATH

// NUT_CONFPATH, else /etc/nut.
std::string conf_path();
// NUT_STATEPATH, else /run/nut.
std::string state_path();
// NUT_ALTPIDPATH, else state_path().
std::string alt_pid_path();

// NUT's precedence for the state directory: the NUT_STATEPATH environment variable, then
// ups.conf's global STATEPATH, then upsd.conf's STATEPATH, then the built-in default. Pure.
std::string choose_state_path(const std::optional<std::string>& environment,
                              const std::optional<std::string>& ups_conf,
                              const std::optional<std::string>& upsd_conf);

// "<driver>-<upsname>", the socket's name inside the state directory (drivers/dstate.c).
std::string driver_socket_name(std::string_view driver, std::string_view upsname);
// "<statepath>/<driver>-<upsname>".
std::string driver_socket_path(std::string_view statepath, std::string_view driver,
                               std::string_view upsname);

// "<dir>/<file>" joined with exactly one slash.
std::string join(std::string_view dir, std::string_view file);

}  // namespace walnut::paths
