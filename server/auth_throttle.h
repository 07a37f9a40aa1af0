// Slows password guessing: failed credential checks are counted per (client prefix, user name)
// across all of that client's connections (IPv6 per /64, see client_prefix.h). After a failure
// the next check for the same pair waits: 100 ms, then twice as long after each further failure,
// at most 2 s; a correct password resets the count. Checks for another user name, or from
// another address, never wait. The wait comes before the check (a request that waits is not
// evaluated yet), so parallel connections gain nothing: each check takes the next free slot.
// Pure: the caller passes the time and does the waiting (the session holds the request on a
// timer, other clients are served meanwhile).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace walnut::server {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    Clock::duration first_delay = std::chrono::milliseconds(100);
    Clock::duration max_delay = std::chrono::seconds(2);
    // A check that would have to wait longer than this is refused without being evaluated.
    Clock::duration max_wait = std::chrono::seconds(10);
    std::size_t max_pairs = 4096;  // pairs remembered; the quietest are forgotten first
  };

  AuthThrottle() : AuthThrottle(Limits{}) {}
  explicit AuthThrottle(Limits limits) : limits_(limits) {}

  // When a credential check for `user` from `address` may run: `now`, or a later time (that
  // slot is now reserved for it), or nullopt when the wait would pass max_wait (refuse it).
  std::optional<Clock::time_point> admit(std::string_view address, std::string_view user,
                                         Clock::time_point now);
  // The check ran and the password (or user) was wrong / right.
  void failed(std::string_view address, std::string_view user, Clock::time_point now);
  void succeeded(std::string_view address, std::string_view user);

  std::size_t failures(std::string_view address, std::string_view user) const;
  // The wait after `failures` failures in a row (0 for none).
  Clock::duration delay_after(std::size_t failures) const;

 private:
  struct Pair {
    std::size_t failures = 0;
    Clock::time_point busy_until{};  // no check before this (the last one's delay, or reserved)
  };
  static std::string key(std::string_view address, std::string_view user);
  void make_room(Clock::time_point now);

  Limits limits_;
  std::unordered_map<std::string, Pair> pairs_;
};

// The throttle upsd's sessions share.
AuthThrottle& auth_throttle();

}  // namespace walnut::server
