// Status tracking of SET VAR and INSTCMD (NUT 2.8's TRACKING): ids handed to clients,
// results reported by drivers, expiry after TRACKINGDELAY seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace walnut::server {

class TrackingTable {
 public:
  using Clock = std::chrono::steady_clock;

  TrackingTable();

  // A fresh upper-case UUID v4 (36 characters), as stock clients check its length.
  std::string new_id();

  // Whether any connection ever switched tracking on (NUT only records ids after that).
  bool enabled() const { return enabled_; }
  void enable() { enabled_ = true; }

  // Records `id` as PENDING. Does nothing while tracking was never enabled.
  void add(std::string_view id, Clock::time_point now);
  // The driver's "TRACKING <id> <status>" (status as the driver wrote it, atoi'd).
  void set(std::string_view id, int status);
  // The reply to GET TRACKING <id>: PENDING, SUCCESS or an ERR line (no LF).
  std::string_view get(std::string_view id) const;
  // Drops entries older than `delay`.
  void expire(Clock::time_point now, std::chrono::seconds delay);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int status;
    Clock::time_point created;
  };
  static std::string key(std::string_view id);

  bool enabled_ = false;
  std::unordered_map<std::string, Entry> entries_;
  std::mt19937_64 random_;
};

}  // namespace walnut::server
