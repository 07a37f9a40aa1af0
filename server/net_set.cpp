// SET VAR, SET TRACKING and INSTCMD (NUT's server/netset.c, netinstcmd.c): validated in
// stock's order, then forwarded to the driver; OK means forwarded, not applied.
#include <cctype>
#include <climits>

#include "common/log.h"
#include "common/tokenizer.h"
#include "server/net_auth.h"
#include "server/net_reply.h"

namespace walnut::server {
namespace {

// Drivers read a command line in 512 bytes (stock builds it in a 512-byte buffer and cuts it,
// losing the LF); walnut refuses a longer one with ERR TOO-LONG instead.
constexpr std::size_t kMaxDriverLine = 512;

// The number a RANGE check compares, read as atoi reads it (leading spaces, a sign, the
// leading digits; trailing text ignored) but with no digits or an overflow refused: atoi
// wraps 4294967346 to 50, which a 0..100 range would let through.
std::optional<long long> range_number(const std::string& value) {
  std::size_t i = 0;
  while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
  bool negative = false;
  if (i < value.size() && (value[i] == '+' || value[i] == '-')) negative = value[i++] == '-';
  const std::size_t first_digit = i;
  long long number = 0;
  for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
    // Past INT_MAX no range can hold it; stopping there also keeps the arithmetic exact.
    if (number > INT_MAX) return std::nullopt;
    number = number * 10 + (value[i] - '0');
  }
  if (i == first_digit || number > static_cast<long long>(INT_MAX) + 1) return std::nullopt;
  return negative ? -number : number;
}

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
    const auto number = range_number(value);
    bool found = false;
    for (const auto& range : variable.ranges) {
      found = found || (number && *number >= range.min && *number <= range.max);
    }
    if (!found) return NetError::kInvalidValue;
  }
  return std::nullopt;
}

// A TRACKING id into `id` when the client asked for them (else ""); false, logged, when the
// kernel gave no random bytes: the request then fails rather than carry a guessable id.
bool new_tracking_id(const ClientState& client, NetContext& context, std::string& id) {
  if (!client.tracking) return true;
  auto fresh = context.tracking.new_id();
  if (!fresh) {
    log::error("No TRACKING id for {}: {}", client.address, fresh.error());
    return false;
  }
  id = std::move(*fresh);
  return true;
}

// Sends `line` (without LF) to the driver with an optional tracking id; replies. `done` is
// logged (never rate-limited) once the line is known to fit, before it is sent, as stock does.
void forward(Ups& ups, std::string line, const std::string& tracking_id,
             const ClientState& client, NetContext& context, NetError failure, Reply& reply,
             const std::string& done) {
  if (!tracking_id.empty()) line += " TRACKING " + tracking_id;
  line.push_back('\n');
  if (line.size() > kMaxDriverLine) return reply.error(NetError::kTooLong);
  log::info("{}", done);
  if (!tracking_id.empty()) context.tracking.add(tracking_id, client.connection, context.now);
  if (!ups.send_to_driver || !ups.send_to_driver(line)) return reply.error(failure);
  if (!tracking_id.empty()) return reply.format("OK TRACKING {}\n", tracking_id);
  reply.line("OK\n");
}

void set_var(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  std::string tracking_id;
  if (!new_tracking_id(client, context, tracking_id)) return reply.error(NetError::kSetFailed);
  Ups* ups = find_ups_or_reply(context, args[1], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  if (!authorized(client, context, "SET", fmt::format("UPS [{}] {}", ups->name, args[2]))) {
    return reply.error(NetError::kAccessDenied);
  }
  const Variable* variable = ups->variables.find(args[2]);
  if (variable == nullptr) return reply.error(NetError::kVarNotSupported);
  if (auto error = check_new_value(*variable, args[3])) return reply.error(*error);
  forward(*ups, fmt::format("SET {} \"{}\"", args[2], encode_word(args[3])), tracking_id,
          client, context, NetError::kSetFailed, reply,
          fmt::format("Set variable: {}@{} set {} on {} to {}", *client.credentials.username,
                      client.address, args[2], ups->name, args[3]));
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
  std::string tracking_id;
  if (!new_tracking_id(client, context, tracking_id)) {
    return reply.error(NetError::kInstcmdFailed);
  }
  Ups* ups = find_ups_or_reply(context, args[0], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  if (!ups->variables.has_cmd(args[1])) return reply.error(NetError::kCmdNotSupported);
  if (!authorized_instcmd(client, context, args[1], fmt::format("UPS [{}]", ups->name))) {
    return reply.error(NetError::kAccessDenied);
  }
  std::string line = "INSTCMD " + args[1];
  if (args.size() == 3) line += " " + encode_word(args[2]);
  forward(*ups, std::move(line), tracking_id, client, context, NetError::kInstcmdFailed, reply,
          fmt::format("Instant command: {}@{} did {} on {}", *client.credentials.username,
                      client.address, args[1], ups->name));
}

}  // namespace walnut::server
