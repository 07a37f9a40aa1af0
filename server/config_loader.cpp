// Config loading: files -> models, and NUT's path precedence.
#include "server/config_loader.h"

#include <sys/stat.h>

#include <cstdlib>

#include <fmt/format.h>

#include "server/config_lines.h"

namespace walnut::server {
namespace {

void resolve_paths(LoadedConfig& config, const NutPaths& paths) {
  config.statepath = paths.statepath;
  if (!paths.statepath_from_environment) {
    if (config.ups.statepath) config.statepath = *config.ups.statepath;
    else if (config.settings.statepath) config.statepath = *config.settings.statepath;
  }
  config.datapath = paths.datapath;
  if (!paths.datapath_from_environment && config.settings.datapath) {
    config.datapath = *config.settings.datapath;
  }
}

void check_users_file_permissions(const std::string& path, UserTable& users) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return;
  if (info.st_mode & S_IROTH) {
    users.warnings.push_back(fmt::format(
        "{} is world readable: it holds passwords (chmod 0640 recommended)", path));
  }
}

}  // namespace

NutPaths paths_from_environment() {
  NutPaths paths;
  if (const char* value = std::getenv("NUT_CONFPATH"); value && *value) paths.confpath = value;
  if (const char* value = std::getenv("NUT_STATEPATH"); value && *value) {
    paths.statepath = value;
    paths.statepath_from_environment = true;
  }
  if (const char* value = std::getenv("NUT_ALTPIDPATH"); value && *value) paths.altpidpath = value;
  if (const char* value = std::getenv("NUT_DATAPATH"); value && *value) {
    paths.datapath = value;
    paths.datapath_from_environment = true;
  }
  return paths;
}

Result<LoadedConfig> load_nut_config(const NutPaths& paths) {
  LoadedConfig config;
  const std::string upsd_conf = paths.confpath + "/upsd.conf";
  auto upsd_text = read_config_file(upsd_conf);
  if (!upsd_text) return Error{upsd_text.error()};
  auto settings = parse_upsd_conf(*upsd_text, upsd_conf);
  if (!settings) return Error{settings.error()};
  config.settings = std::move(*settings);

  const std::string ups_conf = paths.confpath + "/ups.conf";
  auto ups_text = read_config_file(ups_conf);
  if (!ups_text) return Error{ups_text.error()};
  auto ups = parse_ups_conf(*ups_text, ups_conf);
  if (!ups) return Error{ups.error()};
  config.ups = std::move(*ups);

  const std::string users_file = paths.confpath + "/upsd.users";
  auto users = load_users(users_file);
  if (!users) return Error{users.error()};
  config.users = std::move(*users);
  check_users_file_permissions(users_file, config.users);

  if (config.ups.upses.empty() && !config.settings.allow_no_device) {
    return Error{fmt::format("{}: no UPS defined (set ALLOW_NO_DEVICE true in {} to start "
                             "without one)", ups_conf, upsd_conf)};
  }
  resolve_paths(config, paths);
  return config;
}

}  // namespace walnut::server
