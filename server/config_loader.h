// Turns NUT's config files (NUT_CONFPATH: upsd.conf, ups.conf, upsd.users) or one walnut
// YAML file into the models upsd runs from, and knows NUT's path environment variables.
#pragma once

#include <string>

#include "common/result.h"
#include "server/upsd_config.h"
#include "server/users.h"

namespace walnut::server {

struct NutPaths {
  std::string confpath = "/etc/nut";     // NUT_CONFPATH
  std::string statepath = "/run/nut";    // NUT_STATEPATH, else ups.conf/upsd.conf STATEPATH
  bool statepath_from_environment = false;
  std::string altpidpath = "/run/nut";   // NUT_ALTPIDPATH
  std::string datapath = "/usr/share/nut";  // NUT_DATAPATH, else upsd.conf DATAPATH
  bool datapath_from_environment = false;
};

NutPaths paths_from_environment();

struct LoadedConfig {
  UpsdSettings settings;
  UpsConf ups;
  UserTable users;
  std::string statepath;  // resolved with NUT's precedence
  std::string datapath;
};

// NUT's three files from paths.confpath. Missing upsd.conf or ups.conf is an error;
// upsd.users missing, unreadable or readable by everyone is a warning (as stock).
Result<LoadedConfig> load_nut_config(const NutPaths& paths);

// One YAML file with the same settings (see README "Running upsd").
Result<LoadedConfig> load_yaml_config(const std::string& file, const NutPaths& paths);

}  // namespace walnut::server
