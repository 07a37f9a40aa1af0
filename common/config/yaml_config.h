// walnut.yaml: upsd.conf, upsd.users and ups.conf settings in one YAML file, read into the
// same models as the NUT files (schema in config/examples/walnut.yaml and docs/config.md).
#pragma once

#include <string_view>

#include "common/config/ups_conf.h"
#include "common/config/upsd_conf.h"
#include "common/config/upsd_users.h"
#include "common/result.h"

namespace walnut::config {

struct WalnutConfig {
  UpsdConf upsd;    // "upsd:" mapping (keys are upsd.conf directives in lower case)
  UpsdUsers users;  // "users:" mapping of user name → settings
  UpsConf ups;      // "drivers:" (ups.conf globals) and "ups:" (name → section)
};

// Parses the YAML text. Errors ("<filename>:<line>: ..."): YAML syntax, unknown keys, wrong
// types, and the same semantic errors as the NUT readers (e.g. a UPS without driver/port).
// Absent top-level parts keep their defaults.
Result<WalnutConfig> parse_yaml_config(std::string_view text, std::string_view filename);

}  // namespace walnut::config
