// The client sockets' own level-triggered epoll set, watched as one descriptor by Asio: a wake
// serves every ready client with one epoll_wait, so a lock-step request costs one read and one
// write (Asio 1.22 adds an EAGAIN recv or an epoll_ctl to every request it reads itself).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <asio.hpp>

#include "common/result.h"

namespace walnut::server {

// A socket the poller reports readiness for.
class PolledClient {
 public:
  virtual ~PolledClient() = default;
  // `events` are epoll's (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP).
  virtual void on_ready(std::uint32_t events) = 0;
};

class ClientPoller {
 public:
  explicit ClientPoller(asio::io_context& io);
  ~ClientPoller();
  ClientPoller(const ClientPoller&) = delete;
  ClientPoller& operator=(const ClientPoller&) = delete;

  // Watches `fd` for input; the poller keeps `client` alive until remove(fd).
  Status add(int fd, std::shared_ptr<PolledClient> client);
  // What to report for `fd` from now on (level-triggered: a client not reading its input must
  // stop asking for it, or it is woken for it at once, again and again).
  Status watch(int fd, bool read, bool write);
  void remove(int fd);
  // Stops watching (the io_context can then run out of work and return).
  void stop();

 private:
  void arm();
  void dispatch();

  int epoll_fd_ = -1;
  asio::posix::stream_descriptor watcher_;
  std::vector<std::shared_ptr<PolledClient>> clients_;  // by fd
  bool stopped_ = false;
};

}  // namespace walnut::server
