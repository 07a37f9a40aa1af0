// Tests server/daemon.cpp: what `upsd -c stop|reload` agrees to signal.
#include "server/daemon.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace walnut::server {
namespace {

TEST(Daemon, UpsdExecutablesAreRecognisedByName) {
  EXPECT_TRUE(is_upsd_executable("/usr/sbin/upsd"));
  EXPECT_TRUE(is_upsd_executable("/lib/nut/upsd (deleted)"));
  EXPECT_TRUE(is_upsd_executable("upsd"));
  EXPECT_FALSE(is_upsd_executable("/usr/bin/sleep"));
  EXPECT_FALSE(is_upsd_executable("/usr/sbin/upsd-old"));
  EXPECT_FALSE(is_upsd_executable("/tmp/upsd/sleep"));
  EXPECT_FALSE(is_upsd_executable(""));
}

// A pid file naming another process (here `sleep`) is refused with a message naming the file
// and the process, and the process is left alone.
TEST(Daemon, StopRefusesAPidFileThatNamesAnotherProgram) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execlp("sleep", "sleep", "600", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Until exec is done the child is still this test program.
  const std::string exe = "/proc/" + std::to_string(child) + "/exe";
  for (int i = 0; i < 10000 && std::filesystem::read_symlink(exe).filename() != "sleep"; ++i) {
    ::usleep(1000);
  }
  ASSERT_EQ(std::filesystem::read_symlink(exe).filename(), "sleep");
  const auto pid_file = std::filesystem::temp_directory_path() /
                        ("walnut-daemon-test-" + std::to_string(::getpid()) + ".pid");
  std::ofstream(pid_file) << child << '\n';
  const Status status = signal_running_instance("stop", pid_file.string(), 0);
  std::filesystem::remove(pid_file);
  int wait_status = 0;
  const pid_t exited = ::waitpid(child, &wait_status, WNOHANG);
  ::kill(child, SIGKILL);
  ::waitpid(child, &wait_status, 0);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find(pid_file.string()), std::string::npos) << status.error();
  EXPECT_NE(status.error().find("not upsd"), std::string::npos) << status.error();
  EXPECT_EQ(exited, 0) << "the process was signalled";
}

TEST(Daemon, StopReportsAPidFileNamingNoProcess) {
  // Pid numbers above the kernel's pid_max (at most 2^22) never exist.
  const Status status = check_process_is_upsd(1L << 23);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find("no process"), std::string::npos) << status.error();
}

TEST(Daemon, KernelThreadsAreNoUpsd) {
  // kthreadd is pid 2 wherever the test runs in the host's pid namespace.
  std::ifstream comm("/proc/2/comm");
  std::string name;
  if (!std::getline(comm, name) || name != "kthreadd") GTEST_SKIP() << "no kthreadd as pid 2";
  const Status status = check_process_is_upsd(2);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find("kernel thread"), std::string::npos) << status.error();
}

}  // namespace
}  // namespace walnut::server
