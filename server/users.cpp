// upsd.users reader.
#include "server/users.h"


#include <fmt/format.h>

#include "common/tokenizer.h"
#include "server/config_lines.h"
#include "server/variable_store.h"

namespace walnut::server {
namespace {

class UsersParser {
 public:
  Status line(std::size_t number, const std::vector<std::string>& words);
  UserTable take(std::string_view file_name) {
    for (const auto& [number, text] : warnings_) {
      table_.warnings.push_back(fmt::format("{}:{}: {}", file_name, number, text));
    }
    return std::move(table_);
  }

 private:
  Status setting(std::size_t number, const std::string& key, const std::string& value);
  Status upsmon_role(const std::string& role);
  void warn(std::size_t number, std::string text) { warnings_.emplace_back(number, std::move(text)); }

  std::vector<std::pair<std::size_t, std::string>> warnings_;
  UserTable table_;
  User* current_ = nullptr;
  bool skipping_duplicate_ = false;
};

Status UsersParser::upsmon_role(const std::string& role) {
  if (equals_ignoring_case(role, "primary") || equals_ignoring_case(role, "master")) {
    for (const char* action : {"login", "master", "fsd"}) current_->actions.emplace_back(action);
    return Ok{};
  }
  if (equals_ignoring_case(role, "secondary") || equals_ignoring_case(role, "slave")) {
    current_->actions.emplace_back("login");
    return Ok{};
  }
  return Error{fmt::format("unknown upsmon type \"{}\"", role)};
}

Status UsersParser::setting(std::size_t number, const std::string& key,
                            const std::string& value) {
  if (current_ == nullptr) return Error{fmt::format("\"{}\" outside a [user] section", key)};
  if (equals_ignoring_case(key, "password")) {
    if (!current_->password) current_->password = value;
    else warn(number, fmt::format("duplicate password for {} ignored", current_->name));
    return Ok{};
  }
  if (equals_ignoring_case(key, "password_file")) {
    current_->password_file = value;
    return Ok{};
  }
  if (equals_ignoring_case(key, "instcmds")) {
    for (const auto& existing : current_->instcmds) {
      if (equals_ignoring_case(existing, value)) return Ok{};
    }
    current_->instcmds.push_back(value);
    return Ok{};
  }
  if (equals_ignoring_case(key, "actions")) {
    current_->actions.push_back(value);
    return Ok{};
  }
  if (equals_ignoring_case(key, "upsmon")) return upsmon_role(value);
  if (equals_ignoring_case(key, "allowfrom")) {
    warn(number, "allowfrom in upsd.users is no longer used");
    return Ok{};
  }
  return Error{fmt::format("unknown setting \"{}\"", key)};
}

// Line shapes stock accepts: "[name]", "key = v [v ...]", "upsmon role".
Status UsersParser::line(std::size_t number, const std::vector<std::string>& words) {
  if (words.empty()) return Ok{};
  const std::string& first = words[0];
  if (first.size() >= 2 && first.front() == '[' && first.back() == ']') {
    const std::string name = first.substr(1, first.size() - 2);
    for (auto& user : table_.users) {
      if (user.name == name) {
        warn(number, fmt::format("duplicate user {} ignored", name));
        current_ = nullptr;
        skipping_duplicate_ = true;
        return Ok{};
      }
    }
    skipping_duplicate_ = false;
    table_.users.push_back(User{name, std::nullopt, std::nullopt, {}, {}});
    current_ = &table_.users.back();
    return Ok{};
  }
  if (skipping_duplicate_) return Ok{};
  if (words.size() >= 3 && words[1] == "=") {
    for (std::size_t i = 2; i < words.size(); ++i) {
      if (Status s = setting(number, first, words[i]); !s) return s;
    }
    return Ok{};
  }
  if (words.size() == 2 && equals_ignoring_case(first, "upsmon")) {
    if (current_ == nullptr) return Error{"\"upsmon\" outside a [user] section"};
    return upsmon_role(words[1]);
  }
  return Error{fmt::format("cannot understand \"{}\"", join_words(words))};
}

}  // namespace

Result<UserTable> parse_users(std::string_view text, std::string_view file_name) {
  UsersParser parser;
  Status status = for_each_config_line(
      text, file_name, [&](std::size_t number, const std::vector<std::string>& words) {
        return parser.line(number, words);
      });
  if (!status) return Error{status.error()};
  return parser.take(file_name);
}

Result<UserTable> load_users(const std::string& path) {
  auto text = read_config_file(path);
  if (!text) {
    UserTable empty;
    empty.warnings.push_back(text.error() + " (no users defined)");
    return empty;
  }
  auto table = parse_users(*text, path);
  if (!table) return table;
  const auto slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash);
  for (auto& user : table->users) {
    if (!user.password_file || user.password) continue;
    std::string file = *user.password_file;
    if (file.empty() || file[0] != '/') file = directory + "/" + file;
    auto secret = read_config_file(file);
    if (!secret) return Error{fmt::format("{}: password_file of user {}: {}", path, user.name, secret.error())};
    std::string password = secret->substr(0, secret->find_first_of("\r\n"));
    user.password = std::move(password);
  }
  return table;
}

}  // namespace walnut::server
