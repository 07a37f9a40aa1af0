// Turns NUT's config files (NUT_CONFPATH: upsd.conf, ups.conf, upsd.users) or one walnut
// YAML file into the models upsd runs from (readers in common/config), with NUT's paths.
#pragma once

#include <optional>
#include <string>

#include "common/config/ups_conf.h"
#include "common/config/upsd_conf.h"
#include "common/config/upsd_users.h"
#include "common/result.h"

namespace walnut::server {

struct LoadedConfig {
  config::UpsdConf upsd;
  config::UpsConf ups;
  config::UpsdUsers users;
  std::string statepath;  // NUT's precedence: NUT_STATEPATH, ups.conf, upsd.conf, default
  std::string datapath;   // NUT_DATAPATH, upsd.conf DATAPATH, /usr/share/nut
  std::vector<std::string> warnings;  // every reader's warnings, "file:line: ..."
  // Problems that lock one user out but do not stop upsd (an unusable password_file), logged
  // as errors at start and on every reload: "file:line: ...".
  std::vector<std::string> errors;
};

// NUT's three files from NUT_CONFPATH. Missing upsd.conf or ups.conf, any parse error, or no
// UPS without ALLOW_NO_DEVICE is an error naming file and line. upsd.users missing or
// readable by everyone is a warning (as stock), and so is a world-readable password_file; an
// unusable password_file locks that user out (LoadedConfig::errors), never the whole load.
Result<LoadedConfig> load_nut_config();

// One walnut YAML file with the same settings (upsd -f); world-readable: a warning (it may hold
// passwords). Relative password_file paths are relative to the YAML file's folder.
Result<LoadedConfig> load_yaml_config(const std::string& file);

// NUT's reading of the ALLOW_NO_DEVICE / ALLOW_NOT_ALL_LISTENERS environment variables, which
// win over upsd.conf (server/upsd.c:2694-2736 at v2.8.5): a value starting with TRUE, YES, ON
// or 1 (case-insensitive) is true, FALSE, NO, OFF or 0 false; anything else leaves upsd.conf's.
std::optional<bool> nut_environment_boolean(const std::optional<std::string>& value);

// The debug level upsd runs with: at start the -D count raised to DEBUG_MIN (upsd.c:2690); on
// reload DEBUG_MIN when upsd.conf has it, else the -D count again (conf.c:460-473).
int effective_debug_level(int args_level, std::optional<int> debug_min, bool reloading);

}  // namespace walnut::server
