// The TCP listening sockets (LISTEN lines, or 127.0.0.1 and ::1): a large backlog, accept
// in a loop, pause (not spin) when out of file descriptors, and refuse clients past MAXCONN.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "common/result.h"
#include "server/session.h"
#include "server/session_manager.h"
#include "common/config/upsd_conf.h"

namespace walnut::server {

enum class AddressFamilies { kAny, kIpv4Only, kIpv6Only };

class Listener {
 public:
  Listener(asio::io_context& io, SessionManager& sessions);

  // Binds every address. Fails when none could be bound, or when one that is not a
  // localhost alias failed (stock's rule, so NIT-style duplicate LISTENs still work).
  // With `allow_not_all` (ALLOW_NOT_ALL_LISTENERS), addresses that cannot be bound are a
  // warning as long as one listener works (NUT's server/upsd.c:1121 at v2.8.5).
  Status bind(const std::vector<config::ListenAddress>& addresses, AddressFamilies families,
              bool allow_not_all = false);
  void start();
  void stop();
  void set_max_connections(std::size_t max) { max_connections_ = max; }
  // A session closed: resume accepting if it had stopped.
  void on_session_closed();

  std::vector<asio::ip::tcp::endpoint> local_endpoints() const;

 private:
  struct Acceptor {
    asio::ip::tcp::acceptor acceptor;
    bool accepting = false;
  };
  Status bind_one(const asio::ip::tcp::endpoint& endpoint);
  void accept(Acceptor& acceptor);
  void pause_after_fd_exhaustion();
  void refuse(ClientSocket& socket);

  asio::io_context& io_;
  SessionManager& sessions_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::size_t max_connections_ = 0;  // 0: no limit
  asio::steady_timer pause_timer_;
  bool paused_ = false;
  bool stopped_ = false;
  bool warned_fd_exhaustion_ = false;
  bool warned_max_connections_ = false;
};

}  // namespace walnut::server
