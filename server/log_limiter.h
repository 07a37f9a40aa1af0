// Rate limit for the log lines clients can cause (failed logins, malformed lines, TLS
// failures): a token bucket per client address (IPv6 per /64) and one for all clients, so one
// client, or many, cannot flood syslog or the journal. What is held back is counted by address,
// user and kind, and summed up in one "suppressed" line per interval (10 s). Lines for things that
// succeeded with credentials (LOGIN, FSD, SET, INSTCMD) do not come through here: they are
// never suppressed. Pure (the caller passes the time); client_log() below is the I/O shell.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "common/log.h"

namespace walnut::server {

class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    double per_address_burst = 10;                   // lines at once from one address
    Clock::duration per_address_refill = std::chrono::seconds(6);  // then one per 6 s
    double global_burst = 60;                        // lines at once from all clients
    Clock::duration global_refill = std::chrono::seconds(1);       // then one per second
    Clock::duration summary_interval = std::chrono::seconds(10);
    std::size_t max_addresses = 4096;  // buckets kept; past it new addresses share the global one
    std::size_t max_counted = 1024;    // (address, user, kind) counters kept between summaries
    std::size_t summary_entries = 5;   // the largest counters named in a summary line
  };

  LogLimiter() : LogLimiter(Limits{}) {}
  explicit LogLimiter(Limits limits) : limits_(limits) {}

  // True: write the line. False: it is counted for the next summary. `address` is the client's
  // address (counted per client_prefix), `user` may be empty, `kind` names the event
  // ("failed LOGIN").
  bool allow(std::string_view address, std::string_view user, std::string_view kind,
             Clock::time_point now);

  // The summary line when something was held back and the interval has passed since the last
  // one: "suppressed N log lines from clients in the last 60 s: ...". At most one per interval.
  std::optional<std::string> summary(Clock::time_point now);

  std::size_t suppressed_total() const { return suppressed_; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  bool take(Bucket& bucket, double burst, Clock::duration refill, Clock::time_point now);
  void count(std::string_view address, std::string_view user, std::string_view kind);

  Limits limits_;
  Bucket global_{-1, {}};
  std::unordered_map<std::string, Bucket> per_address_;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> counted_;
  std::size_t uncounted_ = 0;  // suppressed past max_counted
  std::size_t suppressed_ = 0;  // since the last summary
  std::optional<Clock::time_point> last_summary_;
};

// The limiter every client-triggered log line of this process goes through.
LogLimiter& client_log_limiter();

// Writes one client-triggered line unless the limiter holds it back.
template <typename... Args>
void client_log(log::Priority priority, std::string_view address, std::string_view user,
                std::string_view kind, fmt::format_string<Args...> format, Args&&... args) {
  if (!client_log_limiter().allow(address, user, kind, LogLimiter::Clock::now())) return;
  log::emit(priority, fmt::format(format, std::forward<Args>(args)...));
}

// Writes the summary line when one is due (called from the server's once-a-second tick).
void flush_client_log_summary();

}  // namespace walnut::server
