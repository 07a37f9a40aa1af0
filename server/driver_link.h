// One driver's Unix socket as upsd sees it (NUT's server/sstate.c): connect, DUMPALL, apply
// every line the driver pushes, PING when it is quiet, decide staleness, reconnect when lost.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <asio.hpp>

#include "common/tokenizer.h"
#include "server/stats.h"
#include "server/tracking.h"
#include "server/ups_registry.h"

namespace walnut::server {

class DriverLink : public std::enable_shared_from_this<DriverLink> {
 public:
  using Clock = std::chrono::steady_clock;

  // `ups` must outlive the link (the server stops the link before removing the UPS).
  DriverLink(asio::io_context& io, Ups& ups, std::string socket_path, TrackingTable& tracking,
             Stats& stats);

  // Called about once a second: connects when not connected, pings a quiet driver, and
  // refreshes the UPS's stale flag for the log and metrics (maxage in seconds, stock's rule).
  // DATASTALE/DATAOK take effect as they arrive and requests check MAXAGE themselves
  // (Ups::data_stale), so nothing waits for this tick.
  void tick(int maxage);
  void stop();

  const std::string& socket_path() const { return socket_path_; }

 private:
  void connect();
  void on_connected();
  void read();
  void on_bytes(std::size_t count);
  void apply_line(const std::vector<std::string>& words);
  bool send(std::string_view line);
  void disconnect(std::string_view why);
  Clock::duration freshness() const;
  void ping_if_quiet(Clock::time_point now);
  void update_stale(Clock::time_point now);

  asio::local::stream_protocol::socket socket_;
  Ups& ups_;
  std::string socket_path_;
  TrackingTable& tracking_;
  Stats& stats_;
  LineTokenizer tokenizer_;
  bool dump_done_ = false;  // DUMPDONE seen since connecting: DATASTALE counts from then
  bool connecting_ = false;
  bool connected_ = false;
  bool stopped_ = false;
  bool ever_connected_ = false;
  bool reported_stale_ = false;  // the last state logged, so each transition logs once
  int maxage_ = 15;              // MAXAGE as of the last tick (stock's default until then)
  Clock::time_point last_heard_{};
  Clock::time_point last_ping_{};
  Clock::time_point last_complaint_{};
  std::array<char, 4096> buffer_{};
};

}  // namespace walnut::server
