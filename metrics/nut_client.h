// A small synchronous NUT network-protocol client (plain TCP, no TLS): enough to read every
// UPS and its variables from any upsd, walnut's or stock NUT's, with a deadline on each call.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace walnut::metrics {

struct ServerAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3493;  // NUT_PORT
};

// "host", "host:port", "[v6addr]:port" or a bare IPv6 address ("::1") → ServerAddress.
Result<ServerAddress> parse_server_address(std::string_view text);

class NutClient {
 public:
  // Connects to the first address of `server` that accepts within `timeout`.
  static Result<NutClient> connect(const ServerAddress& server, std::chrono::milliseconds timeout);

  NutClient(NutClient&& other) noexcept;
  NutClient& operator=(NutClient&& other) noexcept;
  NutClient(const NutClient&) = delete;
  NutClient& operator=(const NutClient&) = delete;
  ~NutClient();

  // LIST UPS: (name, description) in the server's order.
  Result<std::vector<std::pair<std::string, std::string>>> list_ups();
  // LIST VAR <ups>: name → value. An ERR reply gives its code as the error ("DATA-STALE").
  Result<std::map<std::string, std::string>> list_var(const std::string& ups);

 private:
  NutClient(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  Result<std::vector<std::vector<std::string>>> list(const std::vector<std::string>& query);
  Result<std::vector<std::vector<std::string>>> exchange_list(const std::vector<std::string>& query);
  Status send_line(const std::string& line, std::chrono::steady_clock::time_point deadline);
  Result<std::string> read_line(std::chrono::steady_clock::time_point deadline);
  void close();

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;  // bytes read past the last returned line
  bool last_reply_was_err_ = false;
};

}  // namespace walnut::metrics
