#include "metrics/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace walnut::metrics {
namespace {

std::string failure(std::string_view what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

Status write_all(int fd, std::string_view contents, const std::string& path) {
  while (!contents.empty()) {
    const ssize_t n = ::write(fd, contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{failure("cannot write", path)};
    contents.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok{};
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view contents) {
  const std::size_t slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) return Error{fmt::format("{}: not a file name", path)};
  const std::string pattern = (slash == std::string::npos ? "" : directory) + "." + name + ".tmp.XXXXXX";
  std::vector<char> temp(pattern.begin(), pattern.end());
  temp.push_back('\0');
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Error{failure("cannot create a temporary file in", directory)};
  const std::string temp_path(temp.data());
  Status status = write_all(fd, contents, temp_path);
  // mkstemp makes the file 0600; the collector runs as another user and must read it.
  if (status && ::fchmod(fd, 0644) != 0) status = Error{failure("cannot chmod", temp_path)};
  if (status && ::fsync(fd) != 0) status = Error{failure("cannot sync", temp_path)};
  if (::close(fd) != 0 && status) status = Error{failure("cannot close", temp_path)};
  if (status && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    status = Error{failure("cannot rename over", path)};
  }
  if (!status) ::unlink(temp_path.c_str());
  return status;
}

}  // namespace walnut::metrics
