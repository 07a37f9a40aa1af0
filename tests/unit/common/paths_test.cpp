// Tests for common/paths: NUT's directories and the driver socket name.
#include "common/paths.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace walnut::paths {
namespace {

TEST(Paths, DriverSocketIsDriverDashUpsInStatePath) {
  EXPECT_EQ(driver_socket_name("usbhid-ups", "myups"), "usbhid-ups-myups");
  EXPECT_EQ(driver_socket_path("/run/nut", "usbhid-ups", "myups"), "/run/nut/usbhid-ups-myups");
  EXPECT_EQ(driver_socket_path("/run/nut/", "dummy-ups", "x"), "/run/nut/dummy-ups-x");
}

TEST(Paths, JoinUsesOneSlash) {
  EXPECT_EQ(join("/etc/nut", "ups.conf"), "/etc/nut/ups.conf");
  EXPECT_EQ(join("/etc/nut//", "/ups.conf"), "/etc/nut/ups.conf");
  EXPECT_EQ(join("/", "x"), "/x");
  EXPECT_EQ(join("", "x"), "x");
}

TEST(Paths, StatePathPrecedenceIsEnvironmentThenUpsConfThenUpsdConf) {
  EXPECT_EQ(choose_state_path("/env", "/ups", "/upsd"), "/env");
  EXPECT_EQ(choose_state_path(std::nullopt, "/ups", "/upsd"), "/ups");
  EXPECT_EQ(choose_state_path(std::nullopt, std::nullopt, "/upsd"), "/upsd");
  EXPECT_EQ(choose_state_path(std::nullopt, std::nullopt, std::nullopt), "/run/nut");
}

TEST(Paths, EnvironmentOverridesDefaults) {
  ::unsetenv("NUT_CONFPATH");
  ::unsetenv("NUT_STATEPATH");
  ::unsetenv("NUT_ALTPIDPATH");
  EXPECT_EQ(conf_path(), "/etc/nut");
  EXPECT_EQ(state_path(), "/run/nut");
  EXPECT_EQ(alt_pid_path(), "/run/nut");
  ::setenv("NUT_STATEPATH", "/tmp/state", 1);
  EXPECT_EQ(alt_pid_path(), "/tmp/state");
  ::setenv("NUT_ALTPIDPATH", "/tmp/pid", 1);
  ::setenv("NUT_CONFPATH", "/tmp/conf", 1);
  EXPECT_EQ(alt_pid_path(), "/tmp/pid");
  EXPECT_EQ(conf_path(), "/tmp/conf");
  EXPECT_EQ(state_path(), "/tmp/state");
  ::unsetenv("NUT_CONFPATH");
  ::unsetenv("NUT_STATEPATH");
  ::unsetenv("NUT_ALTPIDPATH");
}

}  // namespace
}  // namespace walnut::paths
