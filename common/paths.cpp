// NUT's directories from the environment, and the driver socket name.
#include "common/paths.h"

#include <cstdlib>

namespace walnut::paths {
namespace {

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace

std::string conf_path() { return environment("NUT_CONFPATH").value_or(kDefaultConfPath); }

std::string state_path() { return environment("NUT_STATEPATH").value_or(kDefaultStatePath); }

std::string alt_pid_path() { return environment("NUT_ALTPIDPATH").value_or(state_path()); }

std::string choose_state_path(const std::optional<std::string>& environment_value,
                              const std::optional<std::string>& ups_conf,
                              const std::optional<std::string>& upsd_conf) {
  if (environment_value && !environment_value->empty()) return *environment_value;
  if (ups_conf && !ups_conf->empty()) return *ups_conf;
  if (upsd_conf && !upsd_conf->empty()) return *upsd_conf;
  return kDefaultStatePath;
}

std::string driver_socket_name(std::string_view driver, std::string_view upsname) {
  std::string name(driver);
  name += '-';
  name += upsname;
  return name;
}

std::string join(std::string_view dir, std::string_view file) {
  std::string out(dir);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  while (!file.empty() && file.front() == '/') file.remove_prefix(1);
  if (out.empty()) return std::string(file);
  if (out != "/") out += '/';
  out += file;
  return out;
}

std::string driver_socket_path(std::string_view statepath, std::string_view driver,
                               std::string_view upsname) {
  return join(statepath, driver_socket_name(driver, upsname));
}

}  // namespace walnut::paths
