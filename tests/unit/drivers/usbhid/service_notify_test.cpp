// The sd_notify datagrams, spoken without libsystemd: what a Type=notify unit's manager receives.
#include "drivers/usbhid/service_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace walnut::usbhid {
namespace {

class ServiceNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char directory[] = "/tmp/walnut-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(directory), nullptr);
    directory_ = directory;
    path_ = directory_ + "/notify";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());
    ::rmdir(directory_.c_str());
  }
  std::string receive() {
    char buffer[256];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n < 0 ? std::string("(nothing)") : std::string(buffer, static_cast<std::size_t>(n));
  }
  std::string directory_, path_;
  int fd_ = -1;
};

TEST_F(ServiceNotifyTest, SendsEachStateAsOneDatagram) {
  ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  notify_ready();
  EXPECT_EQ(receive(), "READY=1");
  notify_watchdog();
  EXPECT_EQ(receive(), "WATCHDOG=1");
  notify_stopping();
  EXPECT_EQ(receive(), "STOPPING=1");
}

TEST_F(ServiceNotifyTest, WithoutNotifySocketNothingIsSent) {
  ::unsetenv("NOTIFY_SOCKET");
  notify_ready();
  timeval short_timeout{0, 50000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &short_timeout, sizeof(short_timeout));
  EXPECT_EQ(receive(), "(nothing)");
}

TEST_F(ServiceNotifyTest, WatchdogPeriodIsHalfOfWatchdogUsec) {
  EXPECT_FALSE(watchdog_period().has_value());
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ASSERT_TRUE(watchdog_period().has_value());
  EXPECT_EQ(watchdog_period()->count(), 15000000);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_TRUE(watchdog_period().has_value());
  // Meant for another process (sd_watchdog_enabled's rule): not ours to feed.
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  EXPECT_FALSE(watchdog_period().has_value());
  ::unsetenv("WATCHDOG_PID");
  ::setenv("WATCHDOG_USEC", "junk", 1);
  EXPECT_FALSE(watchdog_period().has_value());
}

}  // namespace
}  // namespace walnut::usbhid
