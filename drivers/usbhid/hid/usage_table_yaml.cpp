// Reading a usage-table YAML file (usage_table.h): only walnut-mapping does, when it packs the
// compiled-in tables; the driver reads them packed, without a YAML parser.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "drivers/usbhid/hid/usage_table.h"

namespace walnut::hid {

Result<std::vector<UsageName>> UsageTable::read_names(std::string_view yaml, std::string_view file_name) {
  std::vector<UsageName> names;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    const YAML::Node usages = root["usages"];
    if (!usages || !usages.IsSequence()) return Error{fmt::format("{}: needs a usages: list", file_name)};
    names.reserve(usages.size());
    for (const YAML::Node& pair : usages) {
      if (!pair.IsSequence() || pair.size() != 2) {
        return Error{fmt::format("{}:{}: expected [code, \"Name\"]", file_name, pair.Mark().line + 1)};
      }
      const std::string code = pair[0].as<std::string>();
      std::size_t used = 0;
      const unsigned long value = std::stoul(code, &used, 0);
      if (used != code.size() || value > 0xFFFFFFFFul) {
        return Error{fmt::format("{}:{}: bad usage code \"{}\"", file_name, pair.Mark().line + 1, code)};
      }
      names.push_back({static_cast<Usage>(value), pair[1].as<std::string>()});
    }
  } catch (const std::exception& error) {
    return Error{fmt::format("{}: {}", file_name, error.what())};
  }
  return names;
}

}  // namespace walnut::hid
