// Client readiness (see client_poller.h).
#include "server/client_poller.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace walnut::server {
namespace {

// Events taken per wake; more ready clients simply make the set readable again at once.
constexpr int kMaxEvents = 256;
// Batches served per wake at most.
constexpr int kPasses = 4;

std::uint32_t interest(bool read, bool write) {
  std::uint32_t events = 0;
  if (read) events |= EPOLLIN | EPOLLRDHUP;
  if (write) events |= EPOLLOUT;
  return events;
}

}  // namespace

ClientPoller::ClientPoller(asio::io_context& io) : watcher_(io) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  // Like Asio's own reactor, which throws when it cannot create its epoll set.
  if (epoll_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1 for client sockets");
  }
  watcher_.assign(epoll_fd_);  // Asio owns and closes it
  arm();
}

ClientPoller::~ClientPoller() { stop(); }

void ClientPoller::stop() {
  stopped_ = true;
  asio::error_code ignored;
  watcher_.close(ignored);
  clients_.clear();
}

Status ClientPoller::add(int fd, std::shared_ptr<PolledClient> client) {
  if (stopped_) return Error{"the server is stopping"};
  if (fd < 0) return Error{"bad descriptor"};
  epoll_event event{};
  event.events = interest(true, false);
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    return Error{fmt::format("epoll_ctl: {}", std::strerror(errno))};
  }
  const auto index = static_cast<std::size_t>(fd);
  if (clients_.size() <= index) clients_.resize(index + 1);
  clients_[index] = std::move(client);
  return Ok{};
}

Status ClientPoller::watch(int fd, bool read, bool write) {
  if (stopped_) return Error{"the server is stopping"};
  epoll_event event{};
  event.events = interest(read, write);
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) != 0) {
    return Error{fmt::format("epoll_ctl: {}", std::strerror(errno))};
  }
  return Ok{};
}

void ClientPoller::remove(int fd) {
  if (fd < 0) return;
  if (!stopped_) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  const auto index = static_cast<std::size_t>(fd);
  // Dropped last: the client may be the one calling, from its own on_ready().
  std::shared_ptr<PolledClient> gone;
  if (index < clients_.size()) gone.swap(clients_[index]);
}

void ClientPoller::arm() {
  watcher_.async_wait(asio::posix::stream_descriptor::wait_read,
                      [this](const asio::error_code& error) {
                        // The error first: after stop() the wait ends aborted.
                        if (error == asio::error::operation_aborted || stopped_) return;
                        dispatch();
                        arm();
                      });
}

void ClientPoller::dispatch() {
  std::array<epoll_event, kMaxEvents> events;
  // Busy clients have often sent again by the time a batch is served: look once more before
  // going back to Asio's loop (its wait and re-arm cost two system calls), a bounded number of
  // times so that timers, accepts and drivers still get their turn.
  for (int pass = 0; pass < kPasses && !stopped_; ++pass) {
    const int ready = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, 0);
    if (ready <= 0) return;
    for (int i = 0; i < ready; ++i) {
      const auto index = static_cast<std::size_t>(events[static_cast<std::size_t>(i)].data.fd);
      // A client removed earlier in this batch is gone (nullptr); its descriptor cannot have
      // been reused yet, since accepting happens outside this loop.
      if (index >= clients_.size() || !clients_[index]) continue;
      std::shared_ptr<PolledClient> client = clients_[index];
      client->on_ready(events[static_cast<std::size_t>(i)].events);
    }
  }
}

}  // namespace walnut::server
