// LIST: UPS, VAR, RW, CMD, ENUM, RANGE, CLIENT (NUT's server/netlist.c). An error replaces
// BEGIN; a list, once begun, always ends.
#include "server/net_reply.h"

#include "common/tokenizer.h"

namespace walnut::server {
namespace {

void list_ups(NetContext& context, Reply& reply) {
  reply.line("BEGIN LIST UPS\n");
  for (const auto& ups : context.registry.all()) {
    if (ups->description) {
      reply.format("UPS {} \"{}\"\n", ups->name, encode_truncated(*ups->description, 512));
    } else {
      reply.format("UPS {} \"Description unavailable\"\n", ups->name);
    }
  }
  reply.line("END LIST UPS\n");
}

Ups* available_ups(NetContext& context, const std::string& name, Reply& reply) {
  Ups* ups = find_ups_or_reply(context, name, reply);
  if (ups == nullptr || !ups_available(*ups, reply)) return nullptr;
  return ups;
}

void list_vars(NetContext& context, const std::string& name, bool rw_only, Reply& reply) {
  Ups* ups = available_ups(context, name, reply);
  if (ups == nullptr) return;
  const std::string_view kind = rw_only ? "RW" : "VAR";
  reply.format("BEGIN LIST {} {}\n", kind, name);
  for (const auto& [key, variable] : ups->variables.variables()) {
    if (rw_only && !variable.is_rw()) continue;
    const bool fsd_prefix = !rw_only && ups->fsd && equals_ignoring_case(key, "ups.status");
    reply.format("{} {} {} \"{}{}\"\n", kind, name, variable.name, fsd_prefix ? "FSD " : "",
                 encode_word(variable.value));
  }
  reply.format("END LIST {} {}\n", kind, name);
}

void list_commands(NetContext& context, const std::string& name, Reply& reply) {
  Ups* ups = available_ups(context, name, reply);
  if (ups == nullptr) return;
  reply.format("BEGIN LIST CMD {}\n", name);
  for (const auto& command : ups->variables.commands()) reply.format("CMD {} {}\n", name, command);
  reply.format("END LIST CMD {}\n", name);
}

void list_enums_or_ranges(NetContext& context, const Args& args, bool ranges, Reply& reply) {
  Ups* ups = available_ups(context, args[1], reply);
  if (ups == nullptr) return;
  const Variable* variable = ups->variables.find(args[2]);
  if (variable == nullptr) return reply.error(NetError::kVarNotSupported);
  const std::string_view kind = ranges ? "RANGE" : "ENUM";
  reply.format("BEGIN LIST {} {} {}\n", kind, args[1], args[2]);
  if (ranges) {
    for (const auto& range : variable->ranges) {
      reply.format("RANGE {} {} \"{}\" \"{}\"\n", args[1], args[2], range.min, range.max);
    }
  } else {
    for (const auto& value : variable->enums) {
      reply.format("ENUM {} {} \"{}\"\n", args[1], args[2], encode_word(value));
    }
  }
  reply.format("END LIST {} {} {}\n", kind, args[1], args[2]);
}

// Stock answers LIST CLIENT without checking the driver.
void list_clients(NetContext& context, const std::string& name, Reply& reply) {
  Ups* ups = find_ups_or_reply(context, name, reply);
  if (ups == nullptr) return;
  reply.format("BEGIN LIST CLIENT {}\n", name);
  if (context.for_each_client) {
    context.for_each_client([&](const ClientState& other) {
      if (other.login_ups && equals_ignoring_case(*other.login_ups, ups->name)) {
        reply.format("CLIENT {} {}\n", *other.login_ups, other.address);
      }
    });
  }
  reply.format("END LIST CLIENT {}\n", name);
}

}  // namespace

void net_list(const Args& args, ClientState&, NetContext& context, Reply& reply) {
  if (args.empty()) return reply.error(NetError::kInvalidArgument);
  const std::string& sub = args[0];
  if (equals_ignoring_case(sub, "UPS")) return list_ups(context, reply);
  if (args.size() < 2) return reply.error(NetError::kInvalidArgument);
  if (equals_ignoring_case(sub, "VAR")) return list_vars(context, args[1], false, reply);
  if (equals_ignoring_case(sub, "RW")) return list_vars(context, args[1], true, reply);
  if (equals_ignoring_case(sub, "CMD")) return list_commands(context, args[1], reply);
  if (equals_ignoring_case(sub, "CLIENT")) return list_clients(context, args[1], reply);
  if (args.size() < 3) return reply.error(NetError::kInvalidArgument);
  if (equals_ignoring_case(sub, "ENUM")) return list_enums_or_ranges(context, args, false, reply);
  if (equals_ignoring_case(sub, "RANGE")) return list_enums_or_ranges(context, args, true, reply);
  reply.error(NetError::kInvalidArgument);
}

}  // namespace walnut::server
