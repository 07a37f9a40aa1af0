// Naming who holds a busy device (device_holder.h): the pure parts, and the /proc scan on a file
// this test holds open in a child process.
#include "drivers/usbhid/transport/device_holder.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

TEST(DeviceHolder, DriverSectionIsTheNameAfterDashAOrDashS) {
  EXPECT_EQ(driver_section({"/lib/nut/usbhid-ups", "-a", "myups"}), "myups");
  EXPECT_EQ(driver_section({"usbhid-ups", "-s", "lab", "-x", "port=auto"}), "lab");
  EXPECT_EQ(driver_section({"usbhid-ups", "-DD", "-aother"}), "other");
  EXPECT_EQ(driver_section({"usbhid-ups", "-a"}), std::nullopt);
  EXPECT_EQ(driver_section({"upsmon"}), std::nullopt);
}

TEST(DeviceHolder, NodeMatchesWholePathOrUnderATestbedPrefix) {
  EXPECT_TRUE(is_node("/dev/bus/usb/001/002", "/dev/bus/usb/001/002"));
  EXPECT_TRUE(is_node("/tmp/umockdev.X/dev/bus/usb/001/002", "/dev/bus/usb/001/002"));
  EXPECT_FALSE(is_node("/dev/bus/usb/001/0020", "/dev/bus/usb/001/002"));
  EXPECT_FALSE(is_node("/dev/bus/usb/001/012", "/dev/bus/usb/001/002"));
  EXPECT_FALSE(is_node("", "/dev/bus/usb/001/002"));
}

TEST(DeviceHolder, DescriptionNamesPidCommandAndSection) {
  EXPECT_EQ(describe_holders({{1234, "usbhid-ups", "other"}, {99, "upsmon", std::nullopt}}),
            "held by PID 1234 (usbhid-ups, ups.conf section [other]), PID 99 (upsmon)");
  EXPECT_EQ(describe_holders({}), "");
}

TEST(DeviceHolder, ScanFindsAnotherProcessHoldingTheNodeButNotItself) {
  const std::string node = (std::filesystem::temp_directory_path() /
                            ("walnut-holder-" + std::to_string(::getpid()))).string();
  std::ofstream(node) << "x";
  const int mine = ::open(node.c_str(), O_RDONLY);  // this process's own fd never counts
  ASSERT_GE(mine, 0);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(node.c_str(), O_RDONLY);
    (void)!::write(ready[1], fd >= 0 ? "y" : "n", 1);
    ::pause();
    std::_Exit(0);
  }
  char answer = 0;
  ASSERT_EQ(::read(ready[0], &answer, 1), 1);
  const auto holders = device_holders(node);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(mine);
  ::close(ready[0]);
  ::close(ready[1]);
  std::filesystem::remove(node);
  ASSERT_EQ(answer, 'y');
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].pid, child);
  EXPECT_FALSE(holders[0].comm.empty());
  EXPECT_FALSE(holders[0].section.has_value());
}

}  // namespace
}  // namespace walnut::usbhid
