// Talking to another running instance of this driver through its socket, as NUT 2.8.5's
// upsdrvquery_oneshot does (drivers/upsdrvquery.c): for -c exit/reload-or-error, for -k through
// the running driver, and to ask a duplicate instance to exit before this one takes the device.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace walnut::usbhid {

// Connects to `socket_path`, turns broadcasts off (NOBROADCAST), sends `request` (an INSTCMD or
// SET line without TRACKING) with a TRACKING id and waits at most `timeout` for its
// "TRACKING <id> <status>" reply. The status, or nothing when nobody answers (no socket, no
// reply in time).
std::optional<int> query_driver(const std::string& socket_path, std::string_view request,
                                std::chrono::milliseconds timeout);

// Whether something accepts connections on `socket_path` now.
bool driver_socket_answers(const std::string& socket_path);

}  // namespace walnut::usbhid
