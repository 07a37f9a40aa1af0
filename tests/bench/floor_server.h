// The loopback floor: a reference server that does only what any NUT server must do per GET VAR
// (one recv, one send of a fixed VAR line), so the benchmark shows the ceiling of this machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "tests/bench/loopback_socket.h"

namespace walnut::bench {

// The one reply the floor sends, for every line it receives, whatever the line says.
inline constexpr std::string_view kFloorReply = "VAR bench ups.status \"OL\"\n";
// A connection whose unfinished line grows past this is closed (NUT's own lines are short).
inline constexpr std::size_t kFloorMaxPartialLine = 4096;
// Connections past this many (or past the open-file limit) are accepted and closed at once.
inline constexpr int kFloorMaxConnections = 20000;

struct LineCount {
  std::size_t lines = 0;  // complete '\n'-terminated lines
  std::size_t carry = 0;  // bytes of the unfinished line after the last '\n'
};

// The lines that `bytes` completes, given `carry` bytes of an unfinished line before them, and
// the unfinished line's length afterwards. Pure: the floor never parses, it only counts.
LineCount count_lines_and_carry(std::string_view bytes, std::size_t carry);

struct FloorPlan {
  Endpoint endpoint;     // must be a loopback address (see loopback_endpoint)
  double seconds = 0;    // stop after this long; 0: run until SIGTERM or SIGINT
};

// Listens on plan.endpoint and serves until SIGTERM/SIGINT or plan.seconds. The calling thread
// blocks SIGTERM and SIGINT (read through a signalfd). Prints nothing; an error if it cannot
// listen or its event loop fails.
Status run_floor_server(const FloorPlan& plan);

}  // namespace walnut::bench
