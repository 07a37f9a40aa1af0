// USERNAME, PASSWORD, LOGIN, LOGOUT, PRIMARY/MASTER, FSD (NUT's server/netuser.c and
// net_fsd). Credentials are stored unchecked; each privileged command checks them.
#include "server/net_reply.h"

#include "common/log.h"
#include "server/net_auth.h"

namespace walnut::server {

void net_username(const Args& args, ClientState& client, NetContext&, Reply& reply) {
  if (args.size() != 1) return reply.error(NetError::kInvalidArgument);
  if (client.credentials_need_tls && !client.tls) {
    log_credentials_refused(client, "USERNAME refused: credentials only over TLS (FORCESSL)");
    return reply.error(NetError::kAccessDenied);
  }
  if (client.credentials.username) {
    log_credentials_refused(client, "USERNAME sent twice");
    return reply.error(NetError::kAlreadySetUsername);
  }
  client.credentials.username = args[0];
  reply.line("OK\n");
}

void net_password(const Args& args, ClientState& client, NetContext&, Reply& reply) {
  if (args.size() != 1) return reply.error(NetError::kInvalidArgument);
  if (client.credentials_need_tls && !client.tls) {
    log_credentials_refused(client, "PASSWORD refused: credentials only over TLS (FORCESSL)");
    return reply.error(NetError::kAccessDenied);
  }
  if (client.credentials.password) {
    log_credentials_refused(client, "PASSWORD sent twice");
    return reply.error(NetError::kAlreadySetPassword);
  }
  client.credentials.password = args[0];
  reply.line("OK\n");
}

void net_login(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (args.size() != 1) return reply.error(NetError::kInvalidArgument);
  if (client.login_ups) return reply.error(NetError::kAlreadyLoggedIn);
  Ups* ups = find_ups_or_reply(context, args[0], reply);
  if (ups == nullptr) return;
  if (!authorized(client, context, "LOGIN", fmt::format("UPS [{}]", ups->name))) {
    return reply.error(NetError::kAccessDenied);
  }
  ++ups->numlogins;
  ++context.stats.logins;
  client.login_ups = ups->name;
  log::info("User {}@{} logged into UPS [{}]", *client.credentials.username, client.address,
            ups->name);
  reply.line("OK\n");
}

void net_logout(const Args& args, ClientState& client, NetContext&, Reply& reply) {
  if (!args.empty()) return reply.error(NetError::kInvalidArgument);
  reply.line("OK Goodbye\n");
  client.close_after_reply = true;
}

namespace {

bool primary_allowed(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (args.size() != 1) {
    reply.error(NetError::kInvalidArgument);
    return false;
  }
  if (find_ups_or_reply(context, args[0], reply) == nullptr) return false;
  if (!authorized(client, context, "PRIMARY", fmt::format("UPS [{}]", args[0]))) {
    reply.error(NetError::kAccessDenied);
    return false;
  }
  return true;
}

}  // namespace

void net_primary(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (primary_allowed(args, client, context, reply)) reply.line("OK PRIMARY-GRANTED\n");
}

void net_master(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (primary_allowed(args, client, context, reply)) reply.line("OK MASTER-GRANTED\n");
}

void net_fsd(const Args& args, ClientState& client, NetContext& context, Reply& reply) {
  if (args.size() != 1) return reply.error(NetError::kInvalidArgument);
  Ups* ups = find_ups_or_reply(context, args[0], reply);
  if (ups == nullptr) return;
  if (!authorized(client, context, "FSD", fmt::format("UPS [{}]", ups->name))) {
    return reply.error(NetError::kAccessDenied);
  }
  log::notice("Client {}@{} set FSD on UPS [{}]", *client.credentials.username, client.address,
              ups->name);
  ups->fsd = true;
  reply.line("OK FSD-SET\n");
}

}  // namespace walnut::server
