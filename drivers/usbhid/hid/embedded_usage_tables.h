// NUT's usage-name tables compiled into the binary: generated at build time from
// drivers/usbhid/usage_tables/*.yaml by cmake/embed_yaml.cmake.
#pragma once

#include <cstddef>

namespace walnut::hid::embedded {

struct EmbeddedYaml {
  const char* name;  // file name without ".yaml": "generic", "apc", ...
  const char* text;
};

extern const EmbeddedYaml kFiles[];
extern const std::size_t kFileCount;

}  // namespace walnut::hid::embedded
