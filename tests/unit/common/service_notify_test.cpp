#include "common/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace walnut::service {
namespace {

using std::chrono::microseconds;

TEST(WatchdogPeriod, IsHalfOfWatchdogUsec) {
  EXPECT_EQ(watchdog_period("30000000", std::nullopt, 42), microseconds(15000000));
  EXPECT_EQ(watchdog_period("30000000", "42", 42), microseconds(15000000));
  EXPECT_EQ(watchdog_period("1", std::nullopt, 42), microseconds(1));
}

TEST(WatchdogPeriod, NoneWithoutAValidSettingForThisProcess) {
  EXPECT_EQ(watchdog_period(std::nullopt, std::nullopt, 42), std::nullopt);
  EXPECT_EQ(watchdog_period("0", std::nullopt, 42), std::nullopt);
  EXPECT_EQ(watchdog_period("", std::nullopt, 42), std::nullopt);
  EXPECT_EQ(watchdog_period("30s", std::nullopt, 42), std::nullopt);
  EXPECT_EQ(watchdog_period("-5", std::nullopt, 42), std::nullopt);
  EXPECT_EQ(watchdog_period("30000000", "43", 42), std::nullopt);  // another process's
  EXPECT_EQ(watchdog_period("30000000", "x", 42), std::nullopt);
}

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/walnut-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    path_ = dir_ + "/notify";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    if (fd_ >= 0) ::close(fd_);
    std::filesystem::remove_all(dir_);
  }
  std::string receive() {
    char buffer[256];
    const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    return got < 0 ? std::string("<nothing>") : std::string(buffer, static_cast<size_t>(got));
  }

  std::string dir_, path_;
  int fd_ = -1;
};

TEST_F(NotifySocket, SendsEachStateAsOneDatagram) {
  ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  EXPECT_TRUE(notify_ready());
  EXPECT_EQ(receive(), "READY=1");
  EXPECT_TRUE(notify_watchdog());
  EXPECT_EQ(receive(), "WATCHDOG=1");
  EXPECT_TRUE(notify_stopping());
  EXPECT_EQ(receive(), "STOPPING=1");
  EXPECT_TRUE(notify_reloading());
  const std::string reloading = receive();
  EXPECT_EQ(reloading.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << reloading;
  EXPECT_GT(reloading.size(), std::strlen("RELOADING=1\nMONOTONIC_USEC="));
}

TEST_F(NotifySocket, IsANoOpOutsideSystemd) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(notify_ready());
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_FALSE(notify_ready());
  ::setenv("NOTIFY_SOCKET", (dir_ + "/absent").c_str(), 1);
  EXPECT_FALSE(notify_ready());
  EXPECT_EQ(receive(), "<nothing>");
}

TEST(NotifyAbstractSocket, AtMeansTheAbstractNamespace) {
  const std::string name = "walnut-notify-test-" + std::to_string(::getpid());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  ::setenv("NOTIFY_SOCKET", ("@" + name).c_str(), 1);
  EXPECT_TRUE(notify_ready());
  ::unsetenv("NOTIFY_SOCKET");
  char buffer[64];
  const ssize_t got = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
  ::close(fd);
  ASSERT_GT(got, 0);
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(got)), "READY=1");
}

}  // namespace
}  // namespace walnut::service
