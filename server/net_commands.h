// The NUT network protocol's commands (NUT's server/netcmds.h and net*.c), as a pure
// dispatcher: one request's words + the connection's state + the server's data -> reply bytes.
// Sessions do the I/O; everything a reply depends on comes in through NetContext.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/acl.h"
#include "server/descriptions.h"
#include "server/stats.h"
#include "server/tracking.h"
#include "server/ups_registry.h"
#include "common/config/upsd_users.h"

namespace walnut::server {

// Reported by VER and server.version/server.info, in stock's format.
inline constexpr std::string_view kServerVersion = "2.8.0 (walnut)";

// One client connection's protocol state.
struct ClientState {
  std::uint64_t connection = 0;  // unique per connection: its tracking ids belong to it
  std::string address;  // as LIST CLIENT prints it
  Credentials credentials;
  std::optional<std::string> login_ups;  // configured name of the UPS it LOGINed to
  bool tracking = false;
  bool tls = false;
  bool close_after_reply = false;  // set by LOGOUT
  bool start_tls_after_reply = false;  // set by STARTTLS when TLS is offered
  bool tls_offered = false;           // upsd has a certificate (CERTFILE)
  bool credentials_need_tls = false;  // FORCESSL: USERNAME/PASSWORD only after STARTTLS
  // Its socket is on this host, owned by root or by upsd's own user (local_peer.h): it could
  // read upsd.users anyway, so the login throttle neither slows nor counts its checks.
  bool trusted_local_peer = false;
};

// The server-wide data a command may read or change.
struct NetContext {
  UpsRegistry& registry;
  const config::UpsdUsers& users;
  TrackingTable& tracking;
  const Descriptions& descriptions;
  Stats& stats;
  // Visits every connection, most recently connected first (LIST CLIENT's order).
  std::function<void(const std::function<void(const ClientState&)>&)> for_each_client;
  bool tls_configured = false;
  std::chrono::steady_clock::time_point now{};
};

// Appends the reply to one request line (already split into words) to `out`. Each line
// is cut at 512 bytes as stock's sendback() does.
void dispatch_net_command(const std::vector<std::string>& words, ClientState& client,
                          NetContext& context, std::string& out);

}  // namespace walnut::server
