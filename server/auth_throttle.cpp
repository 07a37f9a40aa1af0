// Login throttle.
#include "server/auth_throttle.h"

#include <algorithm>

#include "server/client_prefix.h"

namespace walnut::server {

std::string AuthThrottle::key(std::string_view address, std::string_view user) {
  std::string key = client_prefix(address);
  key += '\n';  // cannot be part of an address or of a user name NUT's tokenizer hands over
  key += user;
  return key;
}

AuthThrottle::Clock::duration AuthThrottle::delay_after(std::size_t failures) const {
  if (failures == 0) return Clock::duration::zero();
  Clock::duration delay = limits_.first_delay;
  for (std::size_t i = 1; i < failures && delay < limits_.max_delay; ++i) delay *= 2;
  return std::min(delay, limits_.max_delay);
}

std::optional<AuthThrottle::Clock::time_point> AuthThrottle::admit(std::string_view address,
                                                                   std::string_view user,
                                                                   Clock::time_point now) {
  auto found = pairs_.find(key(address, user));
  if (found == pairs_.end() || found->second.busy_until <= now) return now;
  Pair& pair = found->second;
  const Clock::time_point slot = pair.busy_until;
  if (slot - now > limits_.max_wait) return std::nullopt;
  // Reserved as if it fails too: the next one waits behind it.
  pair.busy_until = slot + delay_after(pair.failures + 1);
  return slot;
}

void AuthThrottle::failed(std::string_view address, std::string_view user, Clock::time_point now) {
  std::string name = key(address, user);
  auto found = pairs_.find(name);
  if (found == pairs_.end()) {
    make_room(now);
    found = pairs_.emplace(std::move(name), Pair{}).first;
  }
  Pair& pair = found->second;
  ++pair.failures;
  pair.busy_until = std::max(pair.busy_until, now + delay_after(pair.failures));
}

void AuthThrottle::succeeded(std::string_view address, std::string_view user) {
  pairs_.erase(key(address, user));
}

std::size_t AuthThrottle::failures(std::string_view address, std::string_view user) const {
  const auto found = pairs_.find(key(address, user));
  return found == pairs_.end() ? 0 : found->second.failures;
}

// Pairs whose wait is long over cost nothing to forget but their count (the next failure then
// starts from the first delay again); past max_pairs even busy ones go, quietest first.
void AuthThrottle::make_room(Clock::time_point now) {
  if (pairs_.size() < limits_.max_pairs) return;
  const auto forget_after = 10 * limits_.max_delay;
  std::erase_if(pairs_, [&](const auto& entry) { return entry.second.busy_until + forget_after < now; });
  while (pairs_.size() >= limits_.max_pairs) {
    auto quietest = std::min_element(pairs_.begin(), pairs_.end(), [](const auto& a, const auto& b) {
      return a.second.busy_until < b.second.busy_until;
    });
    pairs_.erase(quietest);
  }
}

AuthThrottle& auth_throttle() {
  static AuthThrottle throttle;
  return throttle;
}

}  // namespace walnut::server
