// Runs `walnut-yaml pack-mapping FILE` and unpacks what it prints (see mapping_file.h).
#include "drivers/usbhid/mapping_file.h"

#include "common/yaml_helper.h"
#include "drivers/usbhid/mapping/mapping_pack.h"

namespace walnut::usbhid {

Result<mapping::Mapping> load_mapping_file(const std::string& path) {
  auto packed = run_walnut_yaml({"pack-mapping", path});
  if (!packed) return Error{packed.error()};
  return mapping::unpack_mapping(*packed);
}

}  // namespace walnut::usbhid
