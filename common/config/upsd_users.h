// upsd.users: who may do what (server/user.c): [username] sections with password, actions,
// instcmds and upsmon roles; plus walnut's password_file (the password kept in its own file).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::config {

struct UpsdUser {
  std::string name;                          // case-sensitive, as NUT matches it
  std::optional<std::string> password;       // first "password" wins (or from password_file)
  std::optional<std::string> password_file;  // walnut: path the password is read from
  int password_file_line = 0;                // where password_file was given
  // Lower-cased actions: set, fsd, and what "upsmon primary" (login, master, fsd) or
  // "upsmon secondary" (login) grant.
  std::vector<std::string> actions;
  std::vector<std::string> instcmds;  // as written; "all" allows every command
  int line = 0;                       // line of the [name] header

  // Case-insensitive, as NUT's user_matchaction.
  bool has_action(std::string_view action) const;
  // The command, or "all", is listed (case-insensitive, as NUT's user_matchinstcmd).
  bool may_run_instcmd(std::string_view command) const;
};

struct UpsdUsers {
  std::vector<UpsdUser> users;
  std::vector<std::string> warnings;  // "file:line: ..." (allowfrom, old "user" lines)

  const UpsdUser* find(std::string_view name) const;  // exact (case-sensitive) match
};

// Parses upsd.users text. Field names are case-insensitive; "key = a b c" and "key=a b c" apply
// each value. Errors ("<filename>:<line>: ..."): a setting outside a [user] section, unknown
// setting, unknown upsmon type, malformed header, duplicate user, both password and
// password_file. The password files are not read here (see load_password_files).
Result<UpsdUsers> parse_upsd_users(std::string_view text, std::string_view filename);

// Applies one "key = value" of a [user] section (password, password_file, actions, instcmds,
// upsmon) with NUT's meaning; the YAML reader shares it. Error without file and line.
Status apply_user_setting(UpsdUser& user, std::string_view key, const std::string& value);

// The password held by a password file: its first line, without the line's end (LF or CR LF,
// or a lone CR at the end of the file); spaces and tabs are part of the password. Pure.
std::string password_from_file_contents(std::string_view contents);

// What the I/O step learns about one password file.
struct SecretFile {
  std::string contents;
  bool world_readable = false;
};
// Reads a secret file; an error when it cannot be opened, is not a regular file (a directory,
// a FIFO) or is unreasonably large. The default reads the real file system.
using SecretReader = std::function<Result<SecretFile>(const std::string& path)>;
Result<SecretFile> read_secret_file(const std::string& path);

struct PasswordFileReport {
  std::vector<std::string> errors;    // "<users_file>:<line>: user [x]: ..." (user locked out)
  std::vector<std::string> warnings;  // world-readable file, lines after the first ignored
};

// The thin I/O step: for every user with password_file, reads it (relative paths against
// `base_dir`, the folder of the config file) and sets password. A file that cannot be read, is
// not a regular file or holds an empty first line is an error for that user only: the user gets
// no password, so it cannot authenticate at all, and the other users load normally.
PasswordFileReport load_password_files(UpsdUsers& users, std::string_view users_file,
                                       std::string_view base_dir, const SecretReader& read = {});

}  // namespace walnut::config
