// The vendor mapping YAML files compiled into the binary: generated at build time from
// drivers/usbhid/mappings/*.yaml by embed_yaml.cmake.
#pragma once

#include <cstddef>

namespace walnut::mapping::embedded {

struct EmbeddedYaml {
  const char* name;  // file name without ".yaml": "apc", "common", ...
  const char* text;
};

extern const EmbeddedYaml kFiles[];
extern const std::size_t kFileCount;

}  // namespace walnut::mapping::embedded
