// NUT's usage-name tables compiled into the binary: generated at build time from
// drivers/usbhid/usage_tables/*.yaml by cmake/embed_yaml.cmake.
#pragma once

#include <cstddef>

#include "common/embedded_yaml.h"

namespace walnut::hid::embedded {

using walnut::EmbeddedYaml;

extern const EmbeddedYaml kFiles[];
extern const std::size_t kFileCount;

}  // namespace walnut::hid::embedded
