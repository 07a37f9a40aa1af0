// A test's end of a driver's socket (see driver_socket_client.h).

#include "tests/devicelab/driver_socket_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "common/tokenizer.h"

namespace walnut::devicelab {

namespace {
using Clock = std::chrono::steady_clock;
}

std::optional<DriverSocketClient> DriverSocketClient::connect(const std::string& path,
                                                              std::chrono::milliseconds limit) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return std::nullopt;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const auto deadline = Clock::now() + limit;
  while (true) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
      return DriverSocketClient(fd);
    }
    ::close(fd);
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

DriverSocketClient::DriverSocketClient(DriverSocketClient&& other) noexcept
    : fd_(other.fd_), buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

DriverSocketClient::~DriverSocketClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool DriverSocketClient::send(const std::string& line) {
  const std::string data = line + "\n";
  return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

std::optional<std::string> DriverSocketClient::read_line(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (true) {
    if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> DriverSocketClient::wait_for(
    const std::function<bool(const std::string&)>& wanted, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto line = read_line(left);
    if (!line) return std::nullopt;
    if (wanted(*line)) return line;
  }
  return std::nullopt;
}

std::optional<std::map<std::string, std::string>> DriverSocketClient::dump_all(
    std::chrono::milliseconds limit) {
  if (!send("DUMPALL")) return std::nullopt;
  std::map<std::string, std::string> variables;
  const auto deadline = Clock::now() + limit;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto line = read_line(left);
    if (!line) return std::nullopt;
    if (*line == "DUMPDONE") return variables;
    auto words = tokenize_line(*line);
    if (words.ok() && words->size() == 3 && (*words)[0] == "SETINFO") {
      variables[(*words)[1]] = (*words)[2];
    }
  }
}

}  // namespace walnut::devicelab
