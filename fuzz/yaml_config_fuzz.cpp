// Fuzzes common/config/yaml_config: any bytes give a config or an error naming the file;
// no exception escapes and no crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/config/yaml_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = walnut::config::parse_yaml_config(text, "walnut.yaml");
  if (!config.ok() && config.error().rfind("walnut.yaml:", 0) != 0) std::abort();
  if (config.ok()) {
    for (const auto& section : config->ups.ups) {
      if (!section.get("driver") || !section.get("port")) std::abort();
    }
  }
  return 0;
}
