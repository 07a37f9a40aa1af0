// A server's data for command tests: two UPSes fed by hand instead of drivers, the users of
// the ACL matrix, and a helper that runs one request line through the dispatcher.
#pragma once

#include <string>
#include <vector>

#include "common/tokenizer.h"
#include "server/net_commands.h"

namespace walnut::server::testing {

class NetFixture {
 public:
  NetFixture();

  // Runs one request line (without LF) for `client` and returns the reply bytes.
  std::string send(ClientState& client, std::string_view line);
  // A client that sent USERNAME/PASSWORD for `user` (the password from the table).
  ClientState client_as(const std::string& user);

  UpsRegistry registry;
  config::UpsdUsers users;
  TrackingTable tracking;
  Descriptions descriptions;
  Stats stats;
  std::vector<std::string> driver_lines;  // what reached the "driver" of ups1
  std::vector<ClientState*> others;       // other connections, for LIST CLIENT
  NetContext context;
};

}  // namespace walnut::server::testing
