// A YAML file compiled into the binary (cmake/embed_yaml.cmake writes the tables): the vendor
// mappings (drivers/usbhid/mapping/embedded_yaml.h) and NUT's usage-name tables
// (drivers/usbhid/hid/embedded_usage_tables.h) each declare a kFiles[] / kFileCount of these.
#pragma once

namespace walnut {

struct EmbeddedYaml {
  const char* name;  // file name without ".yaml": "apc", "generic", ...
  const char* text;
};

}  // namespace walnut
