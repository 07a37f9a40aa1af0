// ups.conf: global driver settings and one [section] per UPS, every key kept in order, since
// each driver accepts its own options (port, vendorid, pollfreq, override.*, default.*, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::config {

// "key = value" (is_flag false) or a bare "flag" (is_flag true, value empty).
struct UpsConfSetting {
  std::string key;
  std::string value;
  bool is_flag = false;
  int line = 0;
};

// Settings in file order. Keys match case-sensitively, as drivers compare them (strcmp).
struct UpsConfSettings {
  std::vector<UpsConfSetting> settings;

  // The last value given for key (later lines override earlier ones), or nullopt.
  std::optional<std::string> get(std::string_view key) const;
  bool has_flag(std::string_view flag) const;
};

struct UpsConfSection : UpsConfSettings {
  std::string name;  // as written between the brackets (drivers match it case-sensitively)
  int line = 0;      // line of the [name] header

  // REQUIRES: parsed by parse_ups_conf, which rejects sections without driver or port.
  std::string driver() const { return get("driver").value_or(""); }
  std::string port() const { return get("port").value_or(""); }
  std::optional<std::string> desc() const { return get("desc"); }
};

struct UpsConf {
  UpsConfSettings global;  // keys before the first section (chroot, statepath, maxretry, ...)
  std::vector<UpsConfSection> ups;  // in file order (= LIST UPS order)
  std::vector<std::string> warnings;  // "file:line: ..." for things NUT ignores

  // Section by name, case-insensitively (as upsd looks UPS names up); nullptr when absent.
  const UpsConfSection* find(std::string_view name) const;
  // The global STATEPATH (NUT accepts any case of the key here), if any.
  std::optional<std::string> statepath() const;
};

// Parses ups.conf text. Errors ("<filename>:<line>: ..."): tokenizer errors, a malformed
// [section] header, an empty or "default" (reserved) section name, a duplicate section name
// (case-insensitive), a section without driver or without port. Warnings: unknown global
// keywords, lines that are neither "key = value" nor a bare flag.
Result<UpsConf> parse_ups_conf(std::string_view text, std::string_view filename);

// The global keywords NUT's drivers and upsdrvctl know (used for the unknown-keyword warning).
bool is_known_ups_conf_global(std::string_view key);

}  // namespace walnut::config
