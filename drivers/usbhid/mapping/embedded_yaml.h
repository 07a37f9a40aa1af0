// The vendor mapping YAML files compiled into the binary: generated at build time from
// drivers/usbhid/mappings/*.yaml by embed_yaml.cmake.
#pragma once

#include <cstddef>

#include "common/embedded_yaml.h"

namespace walnut::mapping::embedded {

using walnut::EmbeddedYaml;

extern const EmbeddedYaml kFiles[];
extern const std::size_t kFileCount;

}  // namespace walnut::mapping::embedded
