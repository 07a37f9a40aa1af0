// The one owner of every configured UPS's state: its variables as its driver reported them,
// link and staleness flags, FSD latch and login count. Sessions read it; driver links write it.
#pragma once

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
  bool stale = false;
  bool fsd = false;  // latched by a client's FSD until restart or removal
  int numlogins = 0;
  // Writes one complete line (with LF) to the driver's socket; false when not possible.
  std::function<bool(std::string_view line)> send_to_driver;
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
