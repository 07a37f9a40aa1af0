// Pid file, signals to a running instance, background, privilege drop.
#include "server/daemon.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "common/posix_files.h"

namespace walnut::server {

Status write_pid_file(const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Error{fmt::format("{}: cannot write pid file: {}", path, std::strerror(errno))};
  out << ::getpid() << '\n';
  out.close();
  ::chmod(path.c_str(), 0644);
  return Ok{};
}

void remove_pid_file(const std::string& path) { ::unlink(path.c_str()); }

namespace {

// The same program as this one, whatever it was installed as.
bool same_file(const std::string& a, const std::string& b) {
  struct stat first {}, second {};
  return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 &&
         first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

}  // namespace

bool is_upsd_executable(std::string_view path) {
  // A running program whose file was replaced (an upgrade) reads "/usr/sbin/upsd (deleted)".
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.ends_with(kDeleted)) path.remove_suffix(kDeleted.size());
  const std::size_t slash = path.rfind('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == "upsd";
}

Status check_process_is_upsd(long pid) {
  const std::string proc = fmt::format("/proc/{}", pid);
  std::array<char, 4096> target{};
  const ssize_t length = ::readlink((proc + "/exe").c_str(), target.data(), target.size() - 1);
  if (length >= 0) {
    const std::string_view exe(target.data(), static_cast<std::size_t>(length));
    if (is_upsd_executable(exe) || same_file(proc + "/exe", "/proc/self/exe")) return Ok{};
    return Error{fmt::format("pid {} is {}, not upsd", pid, exe)};
  }
  if (errno == ENOENT) {
    if (::access(proc.c_str(), F_OK) == 0) {
      return Error{fmt::format("pid {} runs no program file (a kernel thread), not upsd", pid)};
    }
    return Error{fmt::format("no process {} (a stale pid file?)", pid)};
  }
  // Another user's process (not root): its name is still readable.
  std::ifstream comm_file(proc + "/comm");
  std::string comm;
  if (!std::getline(comm_file, comm)) {
    return Error{fmt::format("cannot tell what process {} is: {}", pid, std::strerror(errno))};
  }
  if (comm == "upsd") return Ok{};
  return Error{fmt::format("pid {} is {}, not upsd", pid, comm)};
}

Status signal_running_instance(const std::string& command, const std::string& pid_file, long pid) {
  int signal_number = 0;
  if (command == "reload") signal_number = SIGHUP;
  else if (command == "stop") signal_number = SIGTERM;
  else return Error{fmt::format("unknown command \"{}\" for -c (reload or stop)", command)};
  if (pid <= 0) {
    pid = read_pid_file(pid_file).value_or(0);
    if (pid <= 0) {
      return Error{fmt::format("{}: no pid of a running upsd", pid_file)};
    }
    // The pid file lives where the unprivileged user can write: root must not signal
    // whatever process it names.
    if (Status status = check_process_is_upsd(pid); !status) {
      return Error{fmt::format("{}: {}: not signalling it", pid_file, status.error())};
    }
  }
  if (::kill(static_cast<pid_t>(pid), signal_number) != 0) {
    return Error{fmt::format("cannot signal pid {}: {}", pid, std::strerror(errno))};
  }
  return Ok{};
}

Status become_background() {
  const pid_t child = ::fork();
  if (child < 0) return Error{fmt::format("fork: {}", std::strerror(errno))};
  if (child > 0) std::_Exit(0);
  ::setsid();
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) ::close(null_fd);
  }
  return Ok{};
}

Status drop_privileges(const std::string& user) {
  errno = 0;
  const passwd* entry = ::getpwnam(user.c_str());
  if (entry == nullptr) return Error{fmt::format("user \"{}\" not found", user)};
  if (::geteuid() == entry->pw_uid) return Ok{};
  if (::initgroups(entry->pw_name, entry->pw_gid) != 0 || ::setgid(entry->pw_gid) != 0 ||
      ::setuid(entry->pw_uid) != 0) {
    return Error{fmt::format("cannot switch to user {}: {}", user, std::strerror(errno))};
  }
  return Ok{};
}

}  // namespace walnut::server
