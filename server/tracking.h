// Status tracking of SET VAR and INSTCMD (NUT 2.8's TRACKING): ids handed to clients,
// results reported by drivers, expiry after TRACKINGDELAY seconds. Unlike stock (rand(),
// any client may ask about any id), ids come from OpenSSL's CSPRNG and GET TRACKING answers
// only the connection the id was issued to.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

namespace walnut::server {

class TrackingTable {
 public:
  using Clock = std::chrono::steady_clock;

  // Who asked for an id: the connection (ClientState::connection).
  using Owner = std::uint64_t;

  // A fresh upper-case UUID v4 (36 characters, as stock clients check its length) made of 16
  // bytes from the kernel's getrandom() (122 of its bits stay random after the version and
  // variant). Error (strerror) only when the kernel cannot give random bytes.
  Result<std::string> new_id();

  // Whether any connection ever switched tracking on (NUT only records ids after that).
  bool enabled() const { return enabled_; }
  void enable() { enabled_ = true; }

  // Records `id` as PENDING for `owner`. Does nothing while tracking was never enabled.
  void add(std::string_view id, Owner owner, Clock::time_point now);
  // The driver's "TRACKING <id> <status>" (status as the driver wrote it, atoi'd).
  void set(std::string_view id, int status);
  // The reply to GET TRACKING <id> from `asker`: PENDING, SUCCESS or an ERR line (no LF).
  // Another connection's id is answered as an unknown one (ERR UNKNOWN).
  std::string_view get(std::string_view id, Owner asker) const;
  // Drops entries older than `delay`.
  void expire(Clock::time_point now, std::chrono::seconds delay);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int status;
    Owner owner;
    Clock::time_point created;
  };
  static std::string key(std::string_view id);

  bool enabled_ = false;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace walnut::server
