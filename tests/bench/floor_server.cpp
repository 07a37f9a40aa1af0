#include "tests/bench/floor_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "tests/bench/clock.h"

namespace walnut::bench {

LineCount count_lines_and_carry(std::string_view bytes, std::size_t carry) {
  LineCount count{.lines = 0, .carry = carry};
  std::size_t start = 0;
  for (std::size_t newline = bytes.find('\n'); newline != std::string_view::npos;
       newline = bytes.find('\n', start)) {
    ++count.lines;
    start = newline + 1;
    count.carry = 0;
  }
  count.carry += bytes.size() - start;
  return count;
}

namespace {

std::string errno_text(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

// The Endpoint type can be filled by hand: check again that nothing but loopback is served.
bool is_loopback(const Endpoint& endpoint) {
  if (endpoint.address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&endpoint.address);
    return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  }
  if (endpoint.address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&endpoint.address);
    return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
  }
  return false;
}

// How many connections fit under the open-file limit, leaving room for the epoll, signal and
// listening descriptors: past it accept() would fail with EMFILE and, level-triggered, spin.
int connection_cap() {
  (void)raise_open_file_limit(static_cast<std::size_t>(kFloorMaxConnections) + 64);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kFloorMaxConnections;
  long room = static_cast<long>(limit.rlim_cur) - 32;
  return static_cast<int>(std::clamp<long>(room, 1, kFloorMaxConnections));
}

class FloorServer {
 public:
  FloorServer() = default;
  FloorServer(const FloorServer&) = delete;
  FloorServer& operator=(const FloorServer&) = delete;
  ~FloorServer();

  Status open(const Endpoint& endpoint);
  Status run(double seconds);

 private:
  Status watch(int fd);
  void accept_all();
  void serve(int fd);
  void close_connection(int fd);

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  sigset_t old_mask_{};
  bool mask_changed_ = false;
  int max_connections_ = kFloorMaxConnections;
  int connections_ = 0;
  // The unfinished line's length of each connection, by descriptor; -1: not a connection.
  std::vector<std::int32_t> carry_;
};

FloorServer::~FloorServer() {
  for (std::size_t fd = 0; fd < carry_.size(); ++fd) {
    if (carry_[fd] >= 0) close(static_cast<int>(fd));
  }
  for (int fd : {listen_fd_, epoll_fd_, signal_fd_}) {
    if (fd >= 0) close(fd);
  }
  if (mask_changed_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

Status FloorServer::watch(int fd) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return Error{errno_text("epoll_ctl")};
  return Ok{};
}

Status FloorServer::open(const Endpoint& endpoint) {
  if (!is_loopback(endpoint)) return Error{"the floor server listens on loopback only"};
  max_connections_ = connection_cap();
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Error{errno_text("epoll_create1")};
  // Blocked signals still queue (even if the parent shell ignores SIGINT for background
  // jobs), so the signalfd sees them and the loop stops between two epoll_waits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask_) != 0) return Error{"pthread_sigmask failed"};
  mask_changed_ = true;
  signal_fd_ = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return Error{errno_text("signalfd")};
  listen_fd_ = socket(endpoint.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Error{errno_text("socket")};
  int on = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(listen_fd_, reinterpret_cast<const sockaddr*>(&endpoint.address), endpoint.length) != 0) {
    return Error{fmt::format("bind {}: {}", endpoint.text, std::strerror(errno))};
  }
  // The same backlog as walnut's upsd (server/listener.cpp), capped by somaxconn.
  if (listen(listen_fd_, 4096) != 0) return Error{errno_text("listen")};
  if (Status watched = watch(signal_fd_); !watched) return watched;
  return watch(listen_fd_);
}

Status FloorServer::run(double seconds) {
  std::optional<Deadline> deadline;
  if (seconds > 0) deadline.emplace(seconds);
  std::array<epoll_event, 256> events{};
  while (!deadline || !deadline->passed()) {
    int ready = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                           deadline ? deadline->remaining_ms() : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Error{errno_text("epoll_wait")};
    for (int i = 0; i < ready; ++i) {
      int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == signal_fd_) {
        // Read them all, or they stay pending and kill the process when the mask is restored.
        signalfd_siginfo signal{};
        while (read(signal_fd_, &signal, sizeof signal) == static_cast<ssize_t>(sizeof signal)) {
        }
        return Ok{};
      }
      if (fd == listen_fd_) {
        accept_all();
      } else {
        serve(fd);
      }
    }
  }
  return Ok{};
}

void FloorServer::accept_all() {
  while (true) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && (errno == EINTR || errno == ECONNABORTED)) continue;
    if (fd < 0) return;  // EAGAIN: the queue is empty
    if (connections_ >= max_connections_ || !watch(fd)) {
      close(fd);
      continue;
    }
    // As walnut's upsd (server/session.cpp): replies leave at once, not after a delayed ACK.
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (static_cast<std::size_t>(fd) >= carry_.size()) carry_.resize(static_cast<std::size_t>(fd) + 1, -1);
    carry_[static_cast<std::size_t>(fd)] = 0;
    ++connections_;
  }
}

// One recv and one send per complete line: the least work a NUT server does per GET VAR.
void FloorServer::serve(int fd) {
  std::array<char, 4096> buffer;
  ssize_t received = recv(fd, buffer.data(), buffer.size(), 0);
  if (received < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (received <= 0) {
    close_connection(fd);
    return;
  }
  auto index = static_cast<std::size_t>(fd);
  LineCount count = count_lines_and_carry(std::string_view(buffer.data(), static_cast<std::size_t>(received)),
                                          static_cast<std::size_t>(carry_[index]));
  for (std::size_t line = 0; line < count.lines; ++line) {
    // A client that stops reading until the send buffer is full is dropped, not waited for.
    ssize_t sent = send(fd, kFloorReply.data(), kFloorReply.size(), MSG_NOSIGNAL);
    if (sent != static_cast<ssize_t>(kFloorReply.size())) {
      close_connection(fd);
      return;
    }
  }
  if (count.carry > kFloorMaxPartialLine) {
    close_connection(fd);
    return;
  }
  carry_[index] = static_cast<std::int32_t>(count.carry);
}

void FloorServer::close_connection(int fd) {
  close(fd);  // also leaves the epoll set: nothing else holds the descriptor
  carry_[static_cast<std::size_t>(fd)] = -1;
  --connections_;
}

}  // namespace

Status run_floor_server(const FloorPlan& plan) {
  FloorServer server;
  if (Status opened = server.open(plan.endpoint); !opened) return opened;
  return server.run(plan.seconds);
}

}  // namespace walnut::bench
