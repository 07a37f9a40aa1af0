// Fuzzes the NUT config readers (ups.conf, upsd.conf, upsd.users) on the same bytes: each
// returns a model or an error naming the file, never crashes, and keeps its promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/config/ups_conf.h"
#include "common/config/upsd_conf.h"
#include "common/config/upsd_users.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace walnut::config;

  auto ups = parse_ups_conf(text, "ups.conf");
  if (ups.ok()) {
    for (const auto& section : ups->ups) {
      if (section.name.empty() || !section.get("driver") || !section.get("port")) std::abort();
    }
  } else if (ups.error().rfind("ups.conf:", 0) != 0) {
    std::abort();
  }

  auto upsd = parse_upsd_conf(text, "upsd.conf");
  if (upsd.ok()) {
    if (upsd->effective_listen().empty() || upsd->maxage < 0) std::abort();
  } else if (upsd.error().rfind("upsd.conf:", 0) != 0) {
    std::abort();
  }

  auto users = parse_upsd_users(text, "upsd.users");
  if (users.ok()) {
    for (const auto& user : users->users) {
      if (user.password && user.password_file) std::abort();
    }
  } else if (users.error().rfind("upsd.users:", 0) != 0) {
    std::abort();
  }
  return 0;
}
