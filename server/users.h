// upsd.users: the accounts that may log in, set variables, run instant commands or set FSD
// (NUT's server/user.c), read from text with NUT's parsing rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::server {

struct User {
  std::string name;
  std::optional<std::string> password;
  // "password_file = path": the password is the file's first line (relative paths are
  // relative to upsd.users' folder), so upsd.users itself holds no secret.
  std::optional<std::string> password_file;
  std::vector<std::string> actions;   // "login", "master", "fsd", "SET", ... as written
  std::vector<std::string> instcmds;  // command names or "all"
};

struct UserTable {
  std::vector<User> users;  // file order; the first of duplicate names wins
  std::vector<std::string> warnings;  // "upsd.users:3: ..." for things stock only logs
};

// Parses the text of an upsd.users file. `file_name` prefixes error messages. A line the
// tokenizer rejects or an unknown setting is an error ("upsd.users:12: ...").
Result<UserTable> parse_users(std::string_view text, std::string_view file_name);

// Reads and parses a file; a missing file gives an empty table and a warning, as stock.
Result<UserTable> load_users(const std::string& path);

}  // namespace walnut::server
