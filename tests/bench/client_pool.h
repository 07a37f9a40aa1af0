// The load generator's engine: many non-blocking loopback connections on one epoll, each
// sending a request and waiting for its whole reply before the next (lock-step, one in flight).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "tests/bench/clock.h"
#include "tests/bench/latency_histogram.h"
#include "tests/bench/loopback_socket.h"
#include "tests/bench/reply_scanner.h"

namespace walnut::bench {

struct PoolStats {
  std::uint64_t replies = 0;
  std::uint64_t errors = 0;  // ERR replies
  LatencyHistogram latency;  // request sent -> whole reply received
  LatencyHistogram connected;  // connect() started -> handshake complete (writable)
  LatencyHistogram first_reply;  // connect() started -> first whole reply (connection served)
};

class ClientPool {
 public:
  // Each connection sends `request` (one or more lines) and waits for a reply of `shape`.
  ClientPool(Endpoint endpoint, std::string request, ReplyShape shape);
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // Queues `count` connections that each make `requests` requests (0: until stopped).
  // At most `max_unserved` connections are opened and not yet answered at any time, so a
  // server with a small listen backlog is not flooded (use `count` for a true burst).
  Status open(int count, int requests, int max_unserved);

  // Drives the connections until all have made their requests (or failed), or the deadline.
  Status run(const Deadline& deadline);

  PoolStats& stats() { return stats_; }
  void reset_stats() { stats_ = PoolStats{}; }

  int served() const { return served_; }  // connections that got at least one reply
  int failed() const { return failed_; }  // connect errors, resets, closes by the server
  int queued() const { return queued_; }  // not yet connected
  const std::string& first_failure() const { return first_failure_; }

  // Closes every connection (with RST) and forgets them.
  void close_all();

 private:
  enum class Phase { kConnecting, kAwaiting, kDone, kFailed };
  struct Connection {
    int fd = -1;
    Phase phase = Phase::kConnecting;
    int remaining = 0;  // requests still to make; -1: unlimited
    bool served = false;
    Nanos started_at = 0;  // connect() started
    Nanos sent_at = 0;
    ReplyScanner scanner;
  };

  Status start_queued();
  void on_event(std::size_t index, std::uint32_t events);
  void on_connected(Connection& connection);
  void on_readable(Connection& connection);
  void send_request(Connection& connection);
  void fail(Connection& connection, std::string why);

  Endpoint endpoint_;
  std::string request_;
  ReplyShape shape_;
  int epoll_fd_ = -1;
  std::vector<Connection> connections_;
  int queued_ = 0;
  int queued_requests_ = 0;
  int max_unserved_ = 1;
  int unserved_ = 0;  // opened, not yet answered or failed
  int active_ = 0;  // connecting or awaiting a reply
  int served_ = 0;
  int failed_ = 0;
  std::string first_failure_;
  PoolStats stats_;
};

}  // namespace walnut::bench
