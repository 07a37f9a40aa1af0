// Config loading: files -> models, and NUT's path precedence.
#include "server/config_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <strings.h>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/config/yaml_config.h"
#include "common/paths.h"

namespace walnut::server {
namespace {

constexpr const char* kDefaultDataPath = "/usr/share/nut";

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// Relative password_file paths are relative to the folder of the file that names them.
std::string folder_of(const std::string& file) {
  const auto slash = file.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : file.substr(0, slash);
}

Status finish(LoadedConfig& config, std::string_view source, const std::string& users_file) {
  auto secrets = config::load_password_files(config.users, users_file, folder_of(users_file));
  config.errors = std::move(secrets.errors);
  config.users.warnings.insert(config.users.warnings.end(), secrets.warnings.begin(),
                               secrets.warnings.end());
  if (auto allow = nut_environment_boolean(environment("ALLOW_NO_DEVICE"))) {
    config.upsd.allow_no_device = *allow;
  }
  if (config.ups.ups.empty() && !config.upsd.allow_no_device) {
    return Error{fmt::format("{}: no UPS defined (ALLOW_NO_DEVICE allows starting without one)",
                             source)};
  }
  if (auto allow = nut_environment_boolean(environment("ALLOW_NOT_ALL_LISTENERS"))) {
    config.upsd.allow_not_all_listeners = *allow;
  }
  config.statepath = paths::choose_state_path(environment("NUT_STATEPATH"),
                                              config.ups.statepath(), config.upsd.statepath);
  config.datapath = environment("NUT_DATAPATH").value_or(
      config.upsd.datapath.value_or(kDefaultDataPath));
  for (const auto* list : {&config.upsd.warnings, &config.ups.warnings, &config.users.warnings}) {
    config.warnings.insert(config.warnings.end(), list->begin(), list->end());
  }
  return Ok{};
}

void check_secret_permissions(const std::string& path, LoadedConfig& config) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return;
  if (info.st_mode & S_IROTH) {
    config.warnings.push_back(
        fmt::format("{} is world readable: it holds passwords (chmod 0640, owner root:nut)", path));
  }
}

}  // namespace

Result<LoadedConfig> load_nut_config() {
  LoadedConfig config;
  const std::string confpath = paths::conf_path();
  const std::string upsd_conf = paths::join(confpath, "upsd.conf");
  auto upsd_text = config::read_text_file(upsd_conf);
  if (!upsd_text) return Error{upsd_text.error()};
  auto upsd = config::parse_upsd_conf(*upsd_text, upsd_conf);
  if (!upsd) return Error{upsd.error()};
  config.upsd = std::move(*upsd);

  const std::string ups_conf = paths::join(confpath, "ups.conf");
  auto ups_text = config::read_text_file(ups_conf);
  if (!ups_text) return Error{ups_text.error()};
  auto ups = config::parse_ups_conf(*ups_text, ups_conf);
  if (!ups) return Error{ups.error()};
  config.ups = std::move(*ups);

  const std::string users_file = paths::join(confpath, "upsd.users");
  if (auto users_text = config::read_text_file(users_file)) {
    auto users = config::parse_upsd_users(*users_text, users_file);
    if (!users) return Error{users.error()};
    config.users = std::move(*users);
    check_secret_permissions(users_file, config);
  } else {
    config.warnings.push_back(users_text.error() + " (no users: every privileged command denied)");
  }
  if (Status status = finish(config, ups_conf, users_file); !status) return Error{status.error()};
  return config;
}

Result<LoadedConfig> load_yaml_config(const std::string& file) {
  auto text = config::read_text_file(file);
  if (!text) return Error{text.error()};
  auto parsed = config::parse_yaml_config(*text, file);
  if (!parsed) return Error{parsed.error()};
  LoadedConfig config;
  config.upsd = std::move(parsed->upsd);
  config.ups = std::move(parsed->ups);
  config.users = std::move(parsed->users);
  // Inline passwords make the YAML file a secret like upsd.users.
  for (const auto& user : config.users.users) {
    if (user.password) {
      check_secret_permissions(file, config);
      break;
    }
  }
  if (Status status = finish(config, file, file); !status) return Error{status.error()};
  return config;
}

std::optional<bool> nut_environment_boolean(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  const auto starts = [&](const char* word) {
    return ::strncasecmp(value->c_str(), word, std::char_traits<char>::length(word)) == 0;
  };
  if (starts("TRUE") || starts("YES") || starts("ON") || starts("1")) return true;
  if (starts("FALSE") || starts("NO") || starts("OFF") || starts("0")) return false;
  return std::nullopt;
}

int effective_debug_level(int args_level, std::optional<int> debug_min, bool reloading) {
  if (reloading) return debug_min.value_or(args_level);
  return std::max(args_level, debug_min.value_or(0));
}

}  // namespace walnut::server
