#include "tests/bench/client_pool.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace walnut::bench {

ClientPool::ClientPool(Endpoint endpoint, std::string request, ReplyShape shape)
    : endpoint_(std::move(endpoint)), request_(std::move(request)), shape_(shape) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
}

ClientPool::~ClientPool() {
  close_all();
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Status ClientPool::open(int count, int requests, int max_unserved) {
  if (epoll_fd_ < 0) return Error{fmt::format("epoll_create1: {}", std::strerror(errno))};
  if (count < 0 || requests < 0 || max_unserved < 1) return Error{"open: bad counts"};
  queued_ += count;
  queued_requests_ = requests;
  max_unserved_ = max_unserved;
  connections_.reserve(connections_.size() + static_cast<std::size_t>(count));
  return Ok{};
}

Status ClientPool::start_queued() {
  while (queued_ > 0 && unserved_ < max_unserved_) {
    Result<int> fd = start_connect(endpoint_);
    if (!fd) return Error{fd.error()};
    Connection connection{.fd = *fd,
                          .phase = Phase::kConnecting,
                          .remaining = queued_requests_ == 0 ? -1 : queued_requests_,
                          .served = false,
                          .started_at = now_ns(),
                          .sent_at = 0,
                          .scanner = ReplyScanner(shape_)};
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = connections_.size();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, *fd, &event) != 0) {
      close(*fd);
      return Error{fmt::format("epoll_ctl: {}", std::strerror(errno))};
    }
    connections_.push_back(std::move(connection));
    --queued_;
    ++unserved_;
    ++active_;
  }
  return Ok{};
}

Status ClientPool::run(const Deadline& deadline) {
  std::array<epoll_event, 512> events{};
  while (true) {
    if (Status started = start_queued(); !started) return started;
    if ((active_ == 0 && queued_ == 0) || deadline.passed()) return Ok{};
    int ready = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                           deadline.remaining_ms());
    if (ready < 0 && errno != EINTR) return Error{fmt::format("epoll_wait: {}", std::strerror(errno))};
    for (int i = 0; i < ready; ++i) on_event(events[static_cast<std::size_t>(i)].data.u64,
                                             events[static_cast<std::size_t>(i)].events);
  }
}

void ClientPool::on_event(std::size_t index, std::uint32_t events) {
  Connection& connection = connections_[index];
  if (connection.phase == Phase::kConnecting) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 || (events & EPOLLERR)) {
      fail(connection, fmt::format("connect: {}", std::strerror(error != 0 ? error : ECONNREFUSED)));
      return;
    }
    on_connected(connection);
  } else if (connection.phase == Phase::kAwaiting || connection.phase == Phase::kDone) {
    on_readable(connection);
  }
}

void ClientPool::on_connected(Connection& connection) {
  stats_.connected.record(now_ns() - connection.started_at);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = static_cast<std::size_t>(&connection - connections_.data());
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event);
  send_request(connection);
}

void ClientPool::send_request(Connection& connection) {
  connection.sent_at = now_ns();
  ssize_t sent = send(connection.fd, request_.data(), request_.size(), MSG_NOSIGNAL);
  // Requests are a few dozen bytes on an empty send buffer: a short send means the server
  // stopped reading, which the benchmark reports as a failed connection.
  if (sent != static_cast<ssize_t>(request_.size())) {
    fail(connection, fmt::format("send: {}", sent < 0 ? std::strerror(errno) : "short write"));
    return;
  }
  connection.phase = Phase::kAwaiting;
}

void ClientPool::on_readable(Connection& connection) {
  std::array<char, 65536> buffer;
  ssize_t received = recv(connection.fd, buffer.data(), buffer.size(), 0);
  if (received < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (received <= 0) {
    fail(connection, received == 0 ? "closed by the server" : fmt::format("recv: {}", std::strerror(errno)));
    return;
  }
  std::uint64_t errors_before = connection.scanner.errors();
  int replies = connection.scanner.feed(std::string_view(buffer.data(), static_cast<std::size_t>(received)));
  stats_.errors += connection.scanner.errors() - errors_before;
  if (replies == 0 || connection.phase != Phase::kAwaiting) return;
  Nanos now = now_ns();
  stats_.replies += static_cast<std::uint64_t>(replies);
  stats_.latency.record(now - connection.sent_at);
  if (!connection.served) {
    connection.served = true;
    ++served_;
    --unserved_;
    stats_.first_reply.record(now - connection.started_at);
  }
  if (connection.remaining > 0) --connection.remaining;
  if (connection.remaining == 0) {
    connection.phase = Phase::kDone;
    --active_;
  } else {
    send_request(connection);
  }
}

void ClientPool::fail(Connection& connection, std::string why) {
  if (first_failure_.empty()) first_failure_ = std::move(why);
  if (connection.phase == Phase::kConnecting || connection.phase == Phase::kAwaiting) --active_;
  if (!connection.served) --unserved_;
  connection.phase = Phase::kFailed;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
  close_with_reset(connection.fd);
  connection.fd = -1;
  ++failed_;
}

void ClientPool::close_all() {
  for (Connection& connection : connections_) {
    if (connection.fd >= 0) close_with_reset(connection.fd);
  }
  connections_.clear();
  queued_ = 0;
  unserved_ = 0;
  active_ = 0;
}

}  // namespace walnut::bench
