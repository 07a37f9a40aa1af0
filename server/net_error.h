// The NUT network protocol's ERR tokens (NUT's server/neterr.h) in one table, so every
// reply names its error through one enum and the wire spelling lives in one place.
#pragma once

#include <string>
#include <string_view>

namespace walnut::server {

enum class NetError {
  kAccessDenied,
  kUnknownUps,
  kVarNotSupported,
  kCmdNotSupported,
  kInvalidArgument,
  kInstcmdFailed,
  kSetFailed,
  kReadonly,
  kTooLong,
  kFeatureNotSupported,
  kFeatureNotConfigured,
  kAlreadySslMode,
  kDriverNotConnected,
  kDataStale,
  kAlreadyLoggedIn,
  kInvalidPassword,
  kAlreadySetPassword,
  kInvalidUsername,
  kAlreadySetUsername,
  kUsernameRequired,
  kPasswordRequired,
  kUnknownCommand,
  kInvalidValue,
};

inline constexpr int kNetErrorCount = static_cast<int>(NetError::kInvalidValue) + 1;

// The token as sent after "ERR " ("ACCESS-DENIED").
std::string_view net_error_token(NetError error);

// The whole reply line, with its LF: "ERR ACCESS-DENIED\n".
std::string net_error_line(NetError error);

}  // namespace walnut::server
