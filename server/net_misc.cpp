// VER, NETVER/PROTVER, HELP, STARTTLS (NUT's server/netmisc.c, netssl.c).
#include "server/net_reply.h"

namespace walnut::server {

void net_ver(const Args& args, ClientState&, NetContext&, Reply& reply) {
  if (!args.empty()) return reply.error(NetError::kInvalidArgument);
  reply.format("Network UPS Tools upsd {} - http://www.networkupstools.org/\n", kServerVersion);
}

void net_netver(const Args& args, ClientState&, NetContext&, Reply& reply) {
  if (!args.empty()) return reply.error(NetError::kInvalidArgument);
  reply.line("1.3\n");
}

void net_help(const Args& args, ClientState&, NetContext&, Reply& reply) {
  if (!args.empty()) return reply.error(NetError::kInvalidArgument);
  reply.line("Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS\n");
}

// Answers as a stock upsd built with OpenSSL: without CERTFILE, FEATURE-NOT-CONFIGURED
// (stock clients then carry on in plain text). With TLS configured the session swaps in
// a TLS stream after sending OK STARTTLS.
void net_starttls(const Args&, ClientState& client, NetContext& context, Reply& reply) {
  if (client.tls) return reply.error(NetError::kAlreadySslMode);
  if (!context.tls_configured && !client.tls_offered) return reply.error(NetError::kFeatureNotConfigured);
  reply.line("OK STARTTLS\n");
  client.start_tls_after_reply = true;
}

}  // namespace walnut::server
