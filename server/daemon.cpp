// Pid file, signals to a running instance, background, privilege drop.
#include "server/daemon.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

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

Status signal_running_instance(const std::string& command, const std::string& pid_file, long pid) {
  int signal_number = 0;
  if (command == "reload") signal_number = SIGHUP;
  else if (command == "stop") signal_number = SIGTERM;
  else return Error{fmt::format("unknown command \"{}\" for -c (reload or stop)", command)};
  if (pid <= 0) {
    std::ifstream in(pid_file);
    if (!(in >> pid) || pid <= 0) {
      return Error{fmt::format("{}: no pid of a running upsd", pid_file)};
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
