// Client log rate limit.
#include "server/log_limiter.h"

#include <algorithm>
#include <vector>

#include "server/client_prefix.h"

namespace walnut::server {

bool LogLimiter::take(Bucket& bucket, double burst, Clock::duration refill, Clock::time_point now) {
  if (bucket.tokens < 0) {  // first use: full
    bucket = Bucket{burst, now};
  } else if (now > bucket.last) {
    const double earned = std::chrono::duration<double>(now - bucket.last) /
                          std::chrono::duration<double>(refill);
    bucket.tokens = std::min(burst, bucket.tokens + earned);
    bucket.last = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

void LogLimiter::count(std::string_view address, std::string_view user, std::string_view kind) {
  ++suppressed_;
  auto key = std::make_tuple(client_prefix(address), std::string(user), std::string(kind));
  auto found = counted_.find(key);
  if (found != counted_.end()) {
    ++found->second;
  } else if (counted_.size() < limits_.max_counted) {
    counted_.emplace(std::move(key), 1);
  } else {
    ++uncounted_;
  }
}

bool LogLimiter::allow(std::string_view address, std::string_view user, std::string_view kind,
                       Clock::time_point now) {
  std::string prefix = client_prefix(address);
  auto bucket = per_address_.find(prefix);
  if (bucket == per_address_.end()) {
    if (per_address_.size() >= limits_.max_addresses) {
      // Forget the addresses that have earned their whole burst back: nothing to remember.
      for (auto it = per_address_.begin(); it != per_address_.end();) {
        const double earned = std::chrono::duration<double>(now - it->second.last) /
                              std::chrono::duration<double>(limits_.per_address_refill);
        const bool full = it->second.tokens + earned >= limits_.per_address_burst;
        it = full ? per_address_.erase(it) : std::next(it);
      }
    }
    if (per_address_.size() < limits_.max_addresses) {
      bucket = per_address_.emplace(std::move(prefix), Bucket{-1, {}}).first;
    }
  }
  const bool address_ok =
      bucket == per_address_.end() ||
      take(bucket->second, limits_.per_address_burst, limits_.per_address_refill, now);
  // The global bucket is only spent on lines the address's own bucket lets through, so one
  // noisy client does not use up everybody's share.
  if (address_ok && take(global_, limits_.global_burst, limits_.global_refill, now)) return true;
  count(address, user, kind);
  if (!last_summary_) last_summary_ = now;  // the interval starts with the first held line
  return false;
}

std::optional<std::string> LogLimiter::summary(Clock::time_point now) {
  if (suppressed_ == 0 || !last_summary_ || now - *last_summary_ < limits_.summary_interval) {
    return std::nullopt;
  }
  std::vector<std::pair<std::size_t, const decltype(counted_)::key_type*>> largest;
  for (const auto& [key, number] : counted_) largest.emplace_back(number, &key);
  std::sort(largest.begin(), largest.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *last_summary_);
  std::string line = fmt::format("{} messages suppressed (log lines caused by clients, last {} s):",
                                 suppressed_, seconds.count());
  std::size_t named = 0;
  for (std::size_t i = 0; i < largest.size() && i < limits_.summary_entries; ++i) {
    const auto& [address, user, kind] = *largest[i].second;
    line += fmt::format("{} {} from {}{}{} x{}", i == 0 ? "" : ";", kind, address,
                        user.empty() ? "" : " as user ", user, largest[i].first);
    named += largest[i].first;
  }
  if (named < suppressed_) {
    line += fmt::format("; {} more", suppressed_ - named);
  }
  counted_.clear();
  uncounted_ = 0;
  suppressed_ = 0;
  last_summary_.reset();
  return line;
}

LogLimiter& client_log_limiter() {
  static LogLimiter limiter;
  return limiter;
}

void flush_client_log_summary() {
  if (auto line = client_log_limiter().summary(LogLimiter::Clock::now())) {
    log::warning("{}", *line);
  }
}

}  // namespace walnut::server
