// GET: TRACKING, NUMLOGINS, UPSDESC, VAR, TYPE, DESC, CMDDESC (NUT's server/netget.c).
#include "server/net_reply.h"

#include "common/tokenizer.h"

namespace walnut::server {
namespace {

void get_numlogins(NetContext& context, const std::string& name, Reply& reply) {
  Ups* ups = find_ups_or_reply(context, name, reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  reply.format("NUMLOGINS {} {}\n", name, ups->numlogins);
}

// Unlike the other GETs, stock answers UPSDESC without checking the driver.
void get_upsdesc(NetContext& context, const std::string& name, Reply& reply) {
  Ups* ups = find_ups_or_reply(context, name, reply);
  if (ups == nullptr) return;
  if (ups->description) {
    reply.format("UPSDESC {} \"{}\"\n", name, encode_truncated(*ups->description, 512));
  } else {
    reply.format("UPSDESC {} \"Unavailable\"\n", name);
  }
}

void get_description(NetContext& context, const Args& args, bool command, Reply& reply) {
  Ups* ups = find_ups_or_reply(context, args[1], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  const auto text = command ? context.descriptions.command(args[2])
                            : context.descriptions.variable(args[2]);
  reply.format("{} {} {} \"{}\"\n", command ? "CMDDESC" : "DESC", args[1], args[2],
               text.value_or("Description unavailable"));
}

void get_type(NetContext& context, const Args& args, Reply& reply) {
  Ups* ups = find_ups_or_reply(context, args[1], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  const Variable* variable = ups->variables.find(args[2]);
  if (variable == nullptr) return reply.error(NetError::kVarNotSupported);
  std::string line = fmt::format("TYPE {} {}", args[1], args[2]);
  if (variable->is_rw()) line += " RW";
  if (!variable->enums.empty()) line += " ENUM";
  if (!variable->ranges.empty()) line += " RANGE";
  if (variable->is_string()) {
    line += fmt::format(" STRING:{}\n", variable->aux);
  } else {
    line += " NUMBER\n";
  }
  reply.line(line);
}

// server.* variables are answered without even looking the UPS up.
void get_server_var(const Args& args, Reply& reply) {
  if (equals_ignoring_case(args[2], "server.info")) {
    reply.format("VAR {} server.info \"Network UPS Tools upsd {} - "
                 "http://www.networkupstools.org/\"\n",
                 args[1], kServerVersion);
    return;
  }
  if (equals_ignoring_case(args[2], "server.version")) {
    reply.format("VAR {} server.version \"{}\"\n", args[1], kServerVersion);
    return;
  }
  reply.error(NetError::kVarNotSupported);
}

void get_var(NetContext& context, const Args& args, Reply& reply) {
  if (args[2].size() >= 7 && equals_ignoring_case(std::string_view(args[2]).substr(0, 7), "server.")) {
    return get_server_var(args, reply);
  }
  Ups* ups = find_ups_or_reply(context, args[1], reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return;
  const Variable* variable = ups->variables.find(args[2]);
  if (variable == nullptr) return reply.error(NetError::kVarNotSupported);
  const bool fsd_prefix = ups->fsd && equals_ignoring_case(args[2], "ups.status");
  reply.format("VAR {} {} \"{}{}\"\n", args[1], args[2], fsd_prefix ? "FSD " : "",
               encode_word(variable->value));
}

}  // namespace

void net_get(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (args.empty()) return reply.error(NetError::kInvalidArgument);
  const std::string& sub = args[0];
  if (equals_ignoring_case(sub, "TRACKING")) {
    if (args.size() < 2) return reply.line(client.tracking ? "ON\n" : "OFF\n");
    if (!client.tracking) return reply.error(NetError::kFeatureNotConfigured);
    return reply.format("{}\n", context.tracking.get(args[1], client.connection));
  }
  if (args.size() < 2) return reply.error(NetError::kInvalidArgument);
  if (equals_ignoring_case(sub, "NUMLOGINS")) return get_numlogins(context, args[1], reply);
  if (equals_ignoring_case(sub, "UPSDESC")) return get_upsdesc(context, args[1], reply);
  if (args.size() < 3) return reply.error(NetError::kInvalidArgument);
  if (equals_ignoring_case(sub, "VAR")) return get_var(context, args, reply);
  if (equals_ignoring_case(sub, "TYPE")) return get_type(context, args, reply);
  if (equals_ignoring_case(sub, "DESC")) return get_description(context, args, false, reply);
  if (equals_ignoring_case(sub, "CMDDESC")) return get_description(context, args, true, reply);
  reply.error(NetError::kInvalidArgument);
}

}  // namespace walnut::server
