// LIST VAR as an ordinary client sees it: blocking socket, default options, no quick-ACK
// tricks, so a server that writes line by line without TCP_NODELAY meets Nagle and the
// client's delayed ACK (stock: ~44 ms for 45 variables).
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "tests/bench/latency_histogram.h"
#include "tests/bench/reply_scanner.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {
namespace {

// Reads one whole reply; returns its line count. An ERR reply is an error unless `err_ok`.
Result<std::uint64_t> read_reply(int fd, ReplyShape shape, bool err_ok = false) {
  ReplyScanner scanner(shape);
  std::array<char, 16384> buffer;
  // Bounded by the socket's receive timeout (connect_blocking sets 10 s) and this count.
  for (int reads = 0; reads < 100000; ++reads) {
    ssize_t received = recv(fd, buffer.data(), buffer.size(), 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) {
      return Error{received == 0 ? "closed by the server" : fmt::format("recv: {}", std::strerror(errno))};
    }
    if (scanner.feed(std::string_view(buffer.data(), static_cast<std::size_t>(received))) > 0) {
      if (scanner.errors() > 0 && !err_ok) return Error{fmt::format("server replied {}", scanner.last_line())};
      return scanner.lines();
    }
  }
  return Error{"reply never ended"};
}

// One LIST VAR on `fd`; adds its latency to `latency`.
Result<std::uint64_t> timed_list(int fd, const std::string& request, LatencyHistogram& latency) {
  Nanos sent = now_ns();
  if (Status status = send_all(fd, request); !status) return Error{status.error()};
  Result<std::uint64_t> lines = read_reply(fd, ReplyShape::kList);
  if (lines) latency.record(now_ns() - sent);
  return lines;
}

}  // namespace

Status run_listvar(Options& options, const Target& target, ResultLine& result) {
  Result<int> samples = integer_option(options, "samples", 30, 1);
  std::string mode = options.text("mode", "upsc");
  if (!samples) return Error{samples.error()};
  if (mode != "upsc" && mode != "persistent") return Error{"--mode is upsc or persistent"};
  std::string request = fmt::format("LIST VAR {}\n", target.ups);
  LatencyHistogram latency;
  std::uint64_t lines = 0;
  int fd = -1;
  for (int sample = 0; sample < *samples; ++sample) {
    if (fd < 0) {
      Result<int> connected = connect_blocking(target.endpoint);
      if (!connected) return Error{connected.error()};
      fd = *connected;
      if (mode == "upsc") {
        // upsc (NUT 2.8, built with NSS) asks STARTTLS first and lists after the refusal.
        Status probed = send_all(fd, "STARTTLS\n");
        Result<std::uint64_t> refused = probed ? read_reply(fd, ReplyShape::kOneLine, true)
                                               : Result<std::uint64_t>(Error{probed.error()});
        if (!refused) {
          close_with_reset(fd);
          return Error{refused.error()};
        }
      }
    }
    Result<std::uint64_t> listed = timed_list(fd, request, latency);
    if (!listed) {
      close_with_reset(fd);
      return Error{listed.error()};
    }
    lines = *listed;
    if (mode == "upsc") {
      close_with_reset(fd);
      fd = -1;
    }
  }
  if (fd >= 0) close_with_reset(fd);
  result.add("mode", mode);
  result.add("variables", static_cast<double>(lines >= 2 ? lines - 2 : 0));
  result.add("samples", *samples);
  result.add("median_ms", static_cast<double>(latency.percentile(50)) / 1e6);
  result.add("p90_ms", static_cast<double>(latency.percentile(90)) / 1e6);
  result.add("max_ms", static_cast<double>(latency.percentile(100)) / 1e6);
  return Ok{};
}

}  // namespace walnut::bench
