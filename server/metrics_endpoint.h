// upsd's opt-in HTTP endpoint for Prometheus (METRICS_LISTEN): GET /metrics on the server's
// io_context, answering with whatever `render` returns at that moment. One request per
// connection, bounded request size, a deadline per connection, a cap on open connections and
// on connections per client address; a client that has not sent its request head within
// `header_timeout` is dropped, and when all slots are taken a new connection takes the place of
// the oldest one still waiting for its head, so idle connections cannot starve scrapes.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <asio.hpp>

#include "common/result.h"

namespace walnut::server {

class MetricsEndpoint {
 public:
  struct Limits {
    std::chrono::milliseconds request_timeout{10000};  // whole connection, read to last write
    std::chrono::milliseconds header_timeout{2000};    // accept to the end of the request head
    std::size_t max_connections = 32;  // beyond this the oldest head-waiting one is dropped
    std::size_t max_per_address = 4;   // per client address (IPv6 per /64), the same way
    std::size_t max_request_head = 8192;
  };

  // `render` runs on the io_context thread, so it may read state that thread owns.
  MetricsEndpoint(asio::io_context& io, std::function<std::string()> render);
  MetricsEndpoint(asio::io_context& io, std::function<std::string()> render, Limits limits);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // Binds one METRICS_LISTEN address: an IPv4 or IPv6 literal, or a host name (its first
  // address is used, as upsd does for LISTEN); "*" binds both "::" and "0.0.0.0", or neither.
  // Port "0" picks a free port (see local_endpoints()). Accepting starts with start().
  Status bind(const std::string& host, const std::string& port);
  // As bind(), but a failure (port taken, address not there yet) is not final: it is logged
  // and bind() is tried again every `retry` on the io_context until it works or stop(), and
  // what binds late is accepted on at once. upsd's NUT service must not depend on its metrics.
  void bind_or_retry(const std::string& host, const std::string& port, std::chrono::milliseconds retry);
  // False while a bind_or_retry() address is not bound yet.
  bool listening() const { return !bind_pending_; }
  void start();
  // Closes the listening sockets and every open connection; pending handlers end quietly.
  void stop();

  std::vector<asio::ip::tcp::endpoint> local_endpoints() const;
  std::size_t open_connections() const { return connections_.size(); }

 private:
  class Connection;
  struct Acceptor {
    explicit Acceptor(asio::io_context& io) : socket(io), retry(io) {}
    asio::ip::tcp::acceptor socket;
    asio::steady_timer retry;  // re-arms accept after an error such as EMFILE
  };
  Status bind_endpoint(const asio::ip::tcp::endpoint& endpoint);
  void accept(Acceptor& acceptor);
  void retry_bind(std::string host, std::string port, std::chrono::milliseconds retry);
  // Takes a new connection in (dropping an older idle one past a cap), or closes it when every
  // slot it could take is busy answering.
  void admit(asio::ip::tcp::socket socket);

  asio::io_context& io_;
  std::function<std::string()> render_;
  Limits limits_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::map<std::string, std::size_t> per_address_;  // open connections by client_prefix
  std::uint64_t next_serial_ = 0;
  bool stopped_ = false;
  bool started_ = false;
  bool bind_pending_ = false;
  int bind_failures_ = 0;
  asio::steady_timer bind_retry_;
};

}  // namespace walnut::server
