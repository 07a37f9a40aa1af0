// upsd.users reader (NUT's server/user.c forms), plus walnut's password_file.
#include "common/config/upsd_users.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/ups_state.h"

namespace walnut::config {
namespace {

using Words = std::vector<std::string>;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void add_action(UpsdUser& user, std::string_view action) {
  std::string lowered = lower(action);
  if (!user.has_action(lowered)) user.actions.push_back(std::move(lowered));
}

// "upsmon primary": LOGIN, MASTER (the PRIMARY/MASTER commands' right) and FSD;
// "upsmon secondary": LOGIN only. master/slave are the old names.
Status set_upsmon_role(UpsdUser& user, const std::string& role) {
  if (equals_ignoring_case(role, "primary") || equals_ignoring_case(role, "master")) {
    for (const char* action : {"login", "master", "fsd"}) add_action(user, action);
    return Ok{};
  }
  if (equals_ignoring_case(role, "secondary") || equals_ignoring_case(role, "slave")) {
    add_action(user, "login");
    return Ok{};
  }
  return Error{fmt::format("unknown upsmon type \"{}\" (primary or secondary)", role)};
}

}  // namespace

Status apply_user_setting(UpsdUser& user, std::string_view key, const std::string& value) {
  if (equals_ignoring_case(key, "password")) {
    if (user.password_file) return Error{"both password and password_file given"};
    if (!user.password) user.password = value;
    return Ok{};
  }
  if (equals_ignoring_case(key, "password_file")) {
    if (user.password) return Error{"both password and password_file given"};
    if (!user.password_file) user.password_file = value;
    return Ok{};
  }
  if (equals_ignoring_case(key, "actions")) {
    add_action(user, value);
    return Ok{};
  }
  if (equals_ignoring_case(key, "instcmds")) {
    user.instcmds.push_back(value);
    return Ok{};
  }
  if (equals_ignoring_case(key, "upsmon")) return set_upsmon_role(user, value);
  return Error{fmt::format("unknown setting \"{}\"", key)};
}

namespace {

// Splits "key = v1 v2", "key=v1 v2" (the tokenizer makes = its own word) and "upsmon role"
// into the key and its values; nullopt when the line has none of these shapes.
std::optional<std::pair<std::string, Words>> key_and_values(const Words& words) {
  if (words.size() >= 3 && words[1] == "=") {
    return std::make_pair(words[0], Words(words.begin() + 2, words.end()));
  }
  if (words.size() >= 2 && equals_ignoring_case(words[0], "upsmon")) {
    return std::make_pair(words[0], Words(words.begin() + 1, words.end()));
  }
  return std::nullopt;
}

struct Parser {
  std::string_view filename;
  UpsdUsers result;

  Status header(const ConfLine& line) {
    const std::string& word = line.words[0];
    if (word.size() < 3 || word.back() != ']' || line.words.size() != 1) {
      return Error{fmt::format("malformed user header \"{}\" (expected [username])", word)};
    }
    std::string name = word.substr(1, word.size() - 2);
    if (const UpsdUser* earlier = result.find(name)) {
      return Error{fmt::format("duplicate user [{}] (first at line {})", name, earlier->line)};
    }
    result.users.push_back(UpsdUser{name, std::nullopt, std::nullopt, 0, {}, {}, line.line});
    return Ok{};
  }

  Status setting(const ConfLine& line) {
    const Words& words = line.words;
    if (equals_ignoring_case(words[0], "user")) {
      result.warnings.push_back(where(filename, line.line, "old-format \"user\" line ignored"));
      return Ok{};
    }
    if (equals_ignoring_case(words[0], "allowfrom")) {
      result.warnings.push_back(where(filename, line.line, "allowfrom is no longer used"));
      return Ok{};
    }
    // Stock logs a line it cannot use and carries on (server/user.c: "Unrecognized user
    // setting", "Unknown upsmon type", "Ignoring ... outside user section"); so does walnut,
    // naming file and line: an upsd that refuses to start means no shutdown. The user then
    // lacks what the line meant to give, the safe side. Password conflicts stay errors.
    const auto ignore = [&](const std::string& why) {
      result.warnings.push_back(where(filename, line.line, why + ": line ignored"));
      return Ok{};
    };
    auto parts = key_and_values(words);
    if (!parts) return ignore(fmt::format("expected \"key = value\", got \"{}\"", words[0]));
    if (result.users.empty()) return ignore(fmt::format("\"{}\" outside a [user] section", words[0]));
    if (equals_ignoring_case(parts->first, "password") && parts->second.size() > 1) {
      // Stock takes the first word too; a password with spaces needs quotes.
      result.warnings.push_back(where(
          filename, line.line,
          fmt::format("password of [{}] has {} words: only the first is used (quote a password "
                      "that contains spaces)",
                      result.users.back().name, parts->second.size())));
    }
    for (const auto& value : parts->second) {
      UpsdUser& user = result.users.back();
      if (auto status = apply_user_setting(user, parts->first, value); !status.ok()) {
        if (equals_ignoring_case(parts->first, "password") ||
            equals_ignoring_case(parts->first, "password_file")) {
          return status;
        }
        return ignore(status.error());
      }
      if (user.password_file && user.password_file_line == 0) user.password_file_line = line.line;
    }
    return Ok{};
  }
};

}  // namespace

bool UpsdUser::has_action(std::string_view action) const {
  return std::any_of(actions.begin(), actions.end(),
                     [&](const std::string& a) { return equals_ignoring_case(a, action); });
}

bool UpsdUser::may_run_instcmd(std::string_view command) const {
  return std::any_of(instcmds.begin(), instcmds.end(), [&](const std::string& c) {
    return equals_ignoring_case(c, command) || equals_ignoring_case(c, "all");
  });
}

const UpsdUser* UpsdUsers::find(std::string_view name) const {
  for (const auto& user : users) {
    if (user.name == name) return &user;
  }
  return nullptr;
}

Result<UpsdUsers> parse_upsd_users(std::string_view text, std::string_view filename) {
  auto lines = read_conf_lines(text, filename);
  if (!lines.ok()) return Error{lines.error()};
  Parser parser{filename, {}};
  for (const auto& line : *lines) {
    const bool is_header = !line.words[0].empty() && line.words[0].front() == '[';
    Status status = is_header ? parser.header(line) : parser.setting(line);
    if (!status.ok()) return Error{where(filename, line.line, status.error())};
  }
  return std::move(parser.result);
}

std::string password_from_file_contents(std::string_view contents) {
  contents = contents.substr(0, contents.find('\n'));
  if (contents.ends_with('\r')) contents.remove_suffix(1);
  return std::string(contents);
}

Result<SecretFile> read_secret_file(const std::string& path) {
  // Nobody's password is anywhere near this; a bigger file is a mistake (a key, a log).
  constexpr std::size_t kMaxSecretBytes = 64 * 1024;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Error{fmt::format("{}: {}", path, std::strerror(errno))};
  struct stat info {};
  std::string why;
  if (::fstat(fd, &info) != 0) {
    why = std::strerror(errno);
  } else if (!S_ISREG(info.st_mode)) {
    why = S_ISDIR(info.st_mode) ? "is a directory, not a file" : "is not a regular file";
  } else if (static_cast<std::size_t>(info.st_size) > kMaxSecretBytes) {
    why = fmt::format("larger than {} bytes: not a password file", kMaxSecretBytes);
  }
  SecretFile secret;
  secret.world_readable = (info.st_mode & S_IROTH) != 0;
  char buffer[4096];
  while (why.empty()) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) why = std::strerror(errno);
    if (count <= 0) break;
    secret.contents.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(fd);
  if (!why.empty()) return Error{fmt::format("{}: {}", path, why)};
  return secret;
}

PasswordFileReport load_password_files(UpsdUsers& users, std::string_view users_file,
                                       std::string_view base_dir, const SecretReader& read) {
  PasswordFileReport report;
  for (auto& user : users.users) {
    if (!user.password_file) continue;
    user.password.reset();
    const std::string& file = *user.password_file;
    const std::string path = file.starts_with('/') || base_dir.empty()
                                 ? file
                                 : fmt::format("{}/{}", base_dir, file);
    const auto problem = [&](std::string_view why) {
      return where(users_file, user.password_file_line,
                   fmt::format("user [{}]: password_file {}", user.name, why));
    };
    auto secret = read ? read(path) : read_secret_file(path);
    if (!secret.ok()) {
      report.errors.push_back(problem(fmt::format(
          "cannot be used: {} (this user cannot log in until it is fixed)", secret.error())));
      continue;
    }
    std::string password = password_from_file_contents(secret->contents);
    if (password.empty()) {
      report.errors.push_back(problem(fmt::format(
          "{}: empty first line (this user cannot log in until it is fixed)", path)));
      continue;
    }
    const auto rest = std::string_view(secret->contents).substr(
        std::min(secret->contents.size(), secret->contents.find('\n')));
    if (rest.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      report.warnings.push_back(problem(fmt::format(
          "{}: only the first line is the password; the lines after it are ignored", path)));
    }
    if (secret->world_readable) {
      report.warnings.push_back(problem(fmt::format(
          "{} is world readable: it holds a password (chmod 0640, owner root:nut)", path)));
    }
    user.password = std::move(password);
  }
  return report;
}

}  // namespace walnut::config
