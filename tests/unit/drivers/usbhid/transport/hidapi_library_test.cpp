// Tests for drivers/usbhid/transport/hidapi_library: libhidapi-hidraw is loaded when first asked
// for, not with the program.

#include "drivers/usbhid/transport/hidapi_library.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

bool hidapi_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("libhidapi-hidraw") != std::string::npos) return true;
  }
  return false;
}

TEST(HidapiLibrary, IsLoadedOnFirstUseWithEveryCallBound) {
  EXPECT_FALSE(hidapi_mapped()) << "libhidapi-hidraw is mapped before anything asked for it";
  auto library = hidapi_library();
  ASSERT_TRUE(library.ok()) << library.error();
  const HidapiLibrary& hid = **library;
  EXPECT_NE(hid.init, nullptr);
  EXPECT_NE(hid.enumerate, nullptr);
  EXPECT_NE(hid.free_enumeration, nullptr);
  EXPECT_NE(hid.open_path, nullptr);
  EXPECT_NE(hid.close, nullptr);
  EXPECT_NE(hid.error, nullptr);
  EXPECT_NE(hid.get_feature_report, nullptr);
  EXPECT_NE(hid.send_feature_report, nullptr);
  EXPECT_NE(hid.read_timeout, nullptr);
  EXPECT_TRUE(hidapi_mapped());
  EXPECT_EQ(*hidapi_library(), *library);  // once per process
}

}  // namespace
}  // namespace walnut::usbhid
