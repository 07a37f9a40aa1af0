// What upsd reads from NUT's config files: upsd.conf (server settings) and the parts of
// ups.conf that concern upsd (each [ups] section's driver, port and desc; STATEPATH).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::server {

struct ListenAddress {
  std::string host;
  std::string port = "3493";
};

struct UpsdSettings {
  int maxage = 15;              // seconds of driver silence before data is stale
  int tracking_delay = 3600;    // seconds a TRACKING result is kept
  bool allow_no_device = false;
  std::optional<long> maxconn;  // default: the open-file limit
  std::optional<std::string> statepath;
  std::optional<std::string> datapath;
  std::optional<std::string> certfile;
  std::vector<ListenAddress> listen;  // empty: 127.0.0.1 and ::1
  std::vector<std::string> warnings;  // "upsd.conf:4: ..." for accepted-but-ignored lines
};

struct UpsSection {
  std::string name;
  std::string driver;
  std::string port;
  std::optional<std::string> description;
};

struct UpsConf {
  std::vector<UpsSection> upses;  // file order; incomplete sections left out (warned)
  std::optional<std::string> statepath;
  std::vector<std::string> warnings;
};

// Parse errors, unknown directives and bad numbers are errors naming file and line.
Result<UpsdSettings> parse_upsd_conf(std::string_view text, std::string_view file_name);
Result<UpsConf> parse_ups_conf(std::string_view text, std::string_view file_name);

}  // namespace walnut::server
