// The driver's end of NUT's driver socket (STATEPATH/usbhid-ups-NAME): accepts any number of
// readers (upsd, upsdrvctl, tests), answers DUMPALL/PING/GETPID/LOGOUT itself, passes INSTCMD
// and SET on, and pushes every state change to every reader. Runs on one Asio io_context.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <asio.hpp>

#include "common/driver_protocol.h"
#include "common/result.h"
#include "common/ups_state.h"

namespace walnut::usbhid {

class DriverSocketConnection;

class DriverSocketServer {
 public:
  // Sends "TRACKING <id> <status>" to the requester when the command carried TRACKING; a
  // no-op otherwise. May be called later, from the io_context's thread only.
  using Reply = std::function<void(int status)>;
  struct Handlers {
    std::function<const UpsState&()> state;  // what readers were told (for DUMPALL)
    std::function<void(const driver_protocol::InstCmd&, Reply)> instcmd;
    std::function<void(const driver_protocol::Set&, Reply)> set;
  };

  DriverSocketServer(asio::io_context& io, std::string path, Handlers handlers);
  ~DriverSocketServer();
  DriverSocketServer(const DriverSocketServer&) = delete;
  DriverSocketServer& operator=(const DriverSocketServer&) = delete;

  // Replaces any stale socket file, binds with NUT's permissions (umask 0007, then chmod 0660)
  // and starts accepting (backlog 16, DS_LISTEN_BACKLOG).
  Status listen();
  // Sends the messages to every reader that has not asked for NOBROADCAST.
  void broadcast(const std::vector<driver_protocol::DriverMessage>& messages);
  // Closes the listener and every connection; removes the socket file.
  void stop();

  std::size_t connection_count() const { return connections_.size(); }
  const std::string& path() const { return path_; }

 private:
  friend class DriverSocketConnection;
  void accept_next();
  void handle_line(const std::shared_ptr<DriverSocketConnection>& connection,
                   const std::string& line);
  void forget(const std::shared_ptr<DriverSocketConnection>& connection);

  std::string path_;
  Handlers handlers_;
  asio::local::stream_protocol::acceptor acceptor_;
  std::set<std::shared_ptr<DriverSocketConnection>> connections_;
  bool listening_ = false;
};

// Formats messages as the lines written on the socket, each ending in LF.
std::string format_lines(const std::vector<driver_protocol::DriverMessage>& messages);

}  // namespace walnut::usbhid
