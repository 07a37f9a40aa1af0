// TCP sockets for the load generator, restricted to loopback: it refuses any address outside
// 127.0.0.0/8 and ::1, so a benchmark can never send traffic off the machine.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tests/bench/clock.h"

namespace walnut::bench {

struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:3493", for messages
};

// REQUIRES: host is a numeric loopback address ("127.0.0.1", "::1"); anything else is an error.
Result<Endpoint> loopback_endpoint(std::string_view host, std::uint16_t port);

// Starts a non-blocking connect; the returned socket may still be connecting.
Result<int> start_connect(const Endpoint& endpoint);

// A blocking connect, as an ordinary client (upsc, PyNUT) makes it: default socket options.
Result<int> connect_blocking(const Endpoint& endpoint);

// Writes all of `bytes` on a blocking socket.
Status send_all(int fd, std::string_view bytes);

// Closes with an RST (SO_LINGER 0) so that thousands of benchmark connections per round leave
// no TIME_WAIT entries behind to exhaust the ephemeral ports of later rounds.
void close_with_reset(int fd);

// Raises this process's soft RLIMIT_NOFILE to at least `wanted` (up to the hard limit).
Status raise_open_file_limit(std::size_t wanted);

}  // namespace walnut::bench
