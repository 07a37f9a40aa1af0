// The ERR token table.
#include "server/net_error.h"

#include <array>

namespace walnut::server {
namespace {

constexpr std::array<std::string_view, kNetErrorCount> kTokens = {
    "ACCESS-DENIED",        "UNKNOWN-UPS",           "VAR-NOT-SUPPORTED",
    "CMD-NOT-SUPPORTED",    "INVALID-ARGUMENT",      "INSTCMD-FAILED",
    "SET-FAILED",           "READONLY",              "TOO-LONG",
    "FEATURE-NOT-SUPPORTED", "FEATURE-NOT-CONFIGURED", "ALREADY-SSL-MODE",
    "DRIVER-NOT-CONNECTED", "DATA-STALE",            "ALREADY-LOGGED-IN",
    "INVALID-PASSWORD",     "ALREADY-SET-PASSWORD",  "INVALID-USERNAME",
    "ALREADY-SET-USERNAME", "USERNAME-REQUIRED",     "PASSWORD-REQUIRED",
    "UNKNOWN-COMMAND",      "INVALID-VALUE",
};

}  // namespace

std::string_view net_error_token(NetError error) {
  return kTokens[static_cast<std::size_t>(error)];
}

std::string net_error_line(NetError error) {
  std::string line = "ERR ";
  line.append(net_error_token(error));
  line.push_back('\n');
  return line;
}

}  // namespace walnut::server
