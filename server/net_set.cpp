// SET VAR, SET TRACKING and INSTCMD (NUT's server/netset.c, netinstcmd.c): validated in
// stock's order, then forwarded to the driver; OK means forwarded, not applied.
#include <cstdlib>

#include "common/log.h"
#include "server/net_auth.h"
#include "server/net_reply.h"

namespace walnut::server {
namespace {

// The value checks after ACCESS-DENIED and VAR-NOT-SUPPORTED, in stock's order.
std::optional<NetError> check_new_value(const Variable& variable, const std::string& value) {
  if (!variable.is_rw()) return NetError::kReadonly;
  if (variable.is_string()) {
    if (variable.aux < 1) return NetError::kSetFailed;
    if (variable.aux < static_cast<long>(value.size())) return NetError::kTooLong;
  }
  if (!variable.enums.empty()) {
    bool found = false;
    for (const auto& allowed : variable.enums) found = found || allowed == value;
    if (!found) return NetError::kInvalidValue;
  }
  if (!variable.ranges.empty()) {
    const int number = std::atoi(value.c_str());
    bool found = false;
    for (const auto& range : variable.ranges) {
      found = found || (number >= range.min && number <= range.max);
    }
    if (!found) return NetError::kInvalidValue;
  }
  return std::nullopt;
}

// Sends `line` (without LF) to the driver with an optional tracking id; replies.
void forward(Ups& ups, std::string line, const std::string& tracking_id, NetContext& context,
             NetError failure, Reply& reply) {
  if (!tracking_id.empty()) {
    line += " TRACKING " + tracking_id;
    context.tracking.add(tracking_id, context.now);
  }
  line.push_back('\n');
  // Stock builds the driver line in 512 bytes too.
  if (line.size() > 512) line.resize(512);
  if (!ups.send_to_driver || !ups.send_to_driver(line)) return reply.error(failure);
  if (!tracking_id.empty()) return reply.format("OK TRACKING {}\n", tracking_id);
  reply.line("OK\n");
}

void set_var(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  const std::string tracking_id = client.tracking ? context.tracking.new_id() : std::string();
  Ups* ups = find_ups_or_reply(context, args[1], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  if (!authorized(client, context, "SET", fmt::format("UPS [{}] {}", ups->name, args[2]))) {
    return reply.error(NetError::kAccessDenied);
  }
  const Variable* variable = ups->variables.find(args[2]);
  if (variable == nullptr) return reply.error(NetError::kVarNotSupported);
  if (auto error = check_new_value(*variable, args[3])) return reply.error(*error);
  log::info("Set variable: {}@{} set {} on {} to {}", *client.credentials.username,
            client.address, args[2], ups->name, args[3]);
  forward(*ups, fmt::format("SET {} \"{}\"", args[2], encode_truncated(args[3], 512)),
          tracking_id, context, NetError::kSetFailed, reply);
}

}  // namespace

void net_set(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (args.size() < 2) return reply.error(NetError::kInvalidArgument);
  if (equals_ignoring_case(args[0], "VAR")) {
    if (args.size() < 4) return reply.error(NetError::kInvalidArgument);
    return set_var(args, client, context, reply);
  }
  if (equals_ignoring_case(args[0], "TRACKING")) {
    if (equals_ignoring_case(args[1], "ON")) {
      context.tracking.enable();
      client.tracking = true;
    } else if (equals_ignoring_case(args[1], "OFF")) {
      client.tracking = false;
    } else {
      return reply.error(NetError::kInvalidArgument);
    }
    return reply.line("OK\n");
  }
  reply.error(NetError::kInvalidArgument);
}

// A parameter is taken only when exactly three words follow INSTCMD; it goes to the driver
// encoded but unquoted, as stock sends it.
void net_instcmd(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (args.size() < 2) return reply.error(NetError::kInvalidArgument);
  const std::string tracking_id = client.tracking ? context.tracking.new_id() : std::string();
  Ups* ups = find_ups_or_reply(context, args[0], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  if (!ups->variables.has_cmd(args[1])) return reply.error(NetError::kCmdNotSupported);
  if (!authorized_instcmd(client, context, args[1], fmt::format("UPS [{}]", ups->name))) {
    return reply.error(NetError::kAccessDenied);
  }
  log::info("Instant command: {}@{} did {} on {}", *client.credentials.username, client.address,
            args[1], ups->name);
  std::string line = "INSTCMD " + args[1];
  if (args.size() == 3) line += " " + encode_truncated(args[2], 512);
  forward(*ups, std::move(line), tracking_id, context, NetError::kInstcmdFailed, reply);
}

}  // namespace walnut::server
