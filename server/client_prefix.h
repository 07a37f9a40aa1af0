// The part of a client's address that rate limits and the login throttle count by: the whole
// IPv4 address, the /64 network of an IPv6 address (one host usually owns a whole /64, so per
// address would hand an attacker 2^64 fresh budgets). Pure.
#pragma once

#include <string>
#include <string_view>

#include <asio/ip/address.hpp>

namespace walnut::server {

// "192.0.2.7" -> "192.0.2.7"; "2001:db8:1:2:a:b:c:d" -> "2001:db8:1:2::/64"; an IPv4-mapped
// IPv6 address -> its IPv4 address; anything that does not parse is returned as it is. Inline,
// as the metrics endpoint (built outside walnut_server) uses it too.
inline std::string client_prefix(std::string_view address) {
  asio::error_code error;
  const auto parsed = asio::ip::make_address(std::string(address), error);
  if (error || !parsed.is_v6()) return std::string(address);
  if (parsed.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, parsed.to_v6()).to_string();
  }
  auto bytes = parsed.to_v6().to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace walnut::server
