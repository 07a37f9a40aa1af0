// Access decisions for privileged commands from upsd.users (NUT's user_checkaction and
// user_checkinstcmd): a pure function of the users and the connection's credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/config/upsd_users.h"

namespace walnut::server {

struct Credentials {
  std::optional<std::string> username;
  std::optional<std::string> password;
};

// Whether a given password equals the configured one, in time that depends only on the
// given one's length: neither where they differ nor the configured one's length shows.
bool same_secret(const std::string& expected, const std::string& given);

// True when the user exists, the password matches (compared in constant time) and the user
// holds `action` ("LOGIN", "MASTER", "PRIMARY", "FSD", "SET"; case-insensitive). As stock,
// the first account of that name decides.
bool may_perform(const config::UpsdUsers& users, const Credentials& credentials,
                 std::string_view action);

// True when the user exists, the password matches and its instcmds list `command` or "all".
bool may_run_instcmd(const config::UpsdUsers& users, const Credentials& credentials,
                     std::string_view command);

// True when the user exists and the password matches, whatever the user may do (the login
// throttle counts wrong passwords, not missing rights).
bool password_matches(const config::UpsdUsers& users, const Credentials& credentials);

}  // namespace walnut::server
