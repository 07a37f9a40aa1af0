// The one owner of every configured UPS's state: its variables as its driver reported them,
// link and staleness flags, FSD latch and login count. Sessions read it; driver links write it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ups_state.h"

namespace walnut::server {

struct Ups {
  std::string name;  // as configured in ups.conf
  std::optional<std::string> description;
  std::string driver;
  std::string port;
  UpsState variables;
  bool driver_connected = false;
  // DATASTALE after the dump (set the moment the driver says so), or MAXAGE silence as of
  // the driver link's last tick. Requests use data_stale(), which also checks the silence now.
  bool stale = false;
  // The driver link moves this to "last heard + MAXAGE" on every message it hears; past it the
  // data is stale even before the next tick, as stock's sstate_dead() decides per request.
  std::chrono::steady_clock::time_point fresh_until = std::chrono::steady_clock::time_point::max();
  bool fsd = false;  // latched by a client's FSD until restart or removal
  int numlogins = 0;
  // Writes one complete line (with LF) to the driver's socket; false when not possible.
  std::function<bool(std::string_view line)> send_to_driver;

  bool data_stale(std::chrono::steady_clock::time_point now) const {
    return stale || now > fresh_until;
  }
};

class UpsRegistry {
 public:
  // Case-insensitive, as NUT's get_ups_ptr().
  Ups* find(std::string_view name);
  const Ups* find(std::string_view name) const;

  // REQUIRES: no UPS of that name yet.
  Ups& add(std::string name);
  // Removes a UPS (ups.conf reload dropped it).
  void remove(std::string_view name);

  // In ups.conf order.
  const std::vector<std::unique_ptr<Ups>>& all() const { return upses_; }

 private:
  std::vector<std::unique_ptr<Ups>> upses_;
};

}  // namespace walnut::server
