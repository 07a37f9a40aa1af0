// Password guessing (issue 18): --connections attackers on one address each connect, send
// USERNAME --user, a wrong PASSWORD and SET VAR on a bogus variable (the oracle: VAR-NOT-SUPPORTED
// would mean the password was right), read the verdict, and start over, for --duration seconds.
// Meanwhile one ordinary client asks GET VAR in lock-step: its latency before and during the
// attack shows whether the throttle costs anyone else anything. As root, both run as nobody.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <array>
#include <atomic>
#include <cerrno>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/bench/latency_histogram.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {
namespace {

enum class Read { kDone, kWaiting, kClosed };

// Adds what arrives to `text` until it holds `lines` lines; kWaiting when the socket's receive
// timeout passed first (the caller may go on waiting), kClosed when the peer closed.
Read read_lines(int fd, std::size_t lines, std::string& text) {
  std::array<char, 4096> buffer;
  while (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) < lines) {
    const ssize_t received = recv(fd, buffer.data(), buffer.size(), 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Read::kWaiting;
    if (received <= 0) return Read::kClosed;
    text.append(buffer.data(), static_cast<std::size_t>(received));
  }
  return Read::kDone;
}

void set_timeout(int fd, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// One GET VAR lock-step client for `seconds`, its latencies recorded.
Status measure_others(const Target& target, double seconds, LatencyHistogram& latency) {
  Result<int> fd = connect_blocking(target.endpoint);
  if (!fd) return Error{fd.error()};
  set_timeout(*fd, 5);
  const std::string request = get_var_request(target, "ups.status");
  Deadline deadline(seconds);
  Status status = Ok{};
  while (!deadline.passed()) {
    const Nanos sent = now_ns();
    if (status = send_all(*fd, request); !status) break;
    std::string reply;
    if (read_lines(*fd, 1, reply) != Read::kDone) {
      status = Error{"the ordinary client got no reply"};
      break;
    }
    latency.record(now_ns() - sent);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a polling client, not a flood
  }
  close(*fd);
  return status;
}

// Run as root, the scenario's sockets belong to nobody: walnut's upsd never slows checks from
// root or its own user on this host (they could read upsd.users), so the attack must come from
// someone else, as a real local attacker would. Restores root when it goes out of scope.
class AsStranger {
 public:
  AsStranger() : was_root_(geteuid() == 0) {
    if (was_root_ && (setegid(65534) != 0 || seteuid(65534) != 0)) was_root_ = false;
  }
  ~AsStranger() {
    if (was_root_ && (seteuid(0) != 0 || setegid(0) != 0)) std::abort();
  }
  AsStranger(const AsStranger&) = delete;
  AsStranger& operator=(const AsStranger&) = delete;

 private:
  bool was_root_;
};

}  // namespace

Status run_guessing(Options& options, const Target& target, ResultLine& result) {
  Result<int> connections = integer_option(options, "connections", 32, 1);
  Result<double> duration = options.number("duration", 3);
  const std::string user = options.text("user", "admin");
  if (!connections) return Error{connections.error()};
  if (!duration || *duration <= 0) return Error{"--duration must be > 0"};

  const AsStranger stranger;
  LatencyHistogram before, during;
  if (Status measured = measure_others(target, 0.5, before); !measured) return measured;

  const std::string guess_lines = fmt::format("USERNAME {}\nPASSWORD \"{{}}\"\nSET VAR {} bogus.var x\n",
                                              user, target.ups);
  std::atomic<std::uint64_t> verdicts{0}, right{0}, failures{0};
  std::atomic<bool> stop{false};
  const Nanos started = now_ns();
  std::vector<std::thread> attackers;
  for (int i = 0; i < *connections; ++i) {
    attackers.emplace_back([&, i] {
      for (std::uint64_t n = 0; !stop; ++n) {
        Result<int> fd = connect_blocking(target.endpoint);
        if (!fd) {
          ++failures;
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
        set_timeout(*fd, 0.2);  // re-checks `stop` while the server holds the check
        const std::string request = fmt::format(fmt::runtime(guess_lines), fmt::format("guess-{}-{}", i, n));
        std::string replies;
        Read state = send_all(*fd, request) ? Read::kWaiting : Read::kClosed;
        while (!stop && state == Read::kWaiting) state = read_lines(*fd, 3, replies);
        const bool answered = state == Read::kDone;
        if (answered) {
          ++verdicts;
          if (replies.find("VAR-NOT-SUPPORTED") != std::string::npos) ++right;
        }
        close_with_reset(*fd);
      }
    });
  }
  Status others = measure_others(target, *duration, during);
  stop = true;
  for (auto& thread : attackers) thread.join();
  const double seconds = static_cast<double>(now_ns() - started) / 1e9;

  result.add("connections", *connections);
  result.add("address", target.endpoint.text.substr(0, target.endpoint.text.rfind(':')));
  result.add("guesses", static_cast<double>(verdicts.load()));
  result.add("guesses_per_s", static_cast<double>(static_cast<long long>(
                                  static_cast<double>(verdicts.load()) / seconds * 10)) / 10);
  result.add("right_guesses", static_cast<double>(right.load()));
  result.add("connect_failures", static_cast<double>(failures.load()));
  result.add("others_before_p50_us", static_cast<double>(before.percentile(50) / 1000));
  result.add("others_p50_us", static_cast<double>(during.percentile(50) / 1000));
  result.add("others_p99_us", static_cast<double>(during.percentile(99) / 1000));
  result.add("others_replies", static_cast<double>(during.count()));
  return others;
}

}  // namespace walnut::bench
