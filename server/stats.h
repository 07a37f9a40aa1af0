// Counters a /metrics endpoint (or a log line) reads: kept in one small struct owned by the
// server, incremented by sessions and driver links on the io_context thread.
#pragma once

#include <array>
#include <cstdint>

#include "server/net_error.h"

namespace walnut::server {

struct Stats {
  std::uint64_t clients_connected = 0;   // currently open client connections
  std::uint64_t clients_accepted = 0;    // since start
  std::uint64_t clients_dropped_slow = 0;  // closed because their output backed up
  std::uint64_t logins = 0;
  std::uint64_t commands = 0;
  std::uint64_t driver_reconnects = 0;
  std::array<std::uint64_t, kNetErrorCount> errors{};  // by NetError
};

}  // namespace walnut::server
