// The command table and its gate (NUT's parse_net/check_command), and the reply helpers.
#include <array>
#include <chrono>

#include "server/net_reply.h"

namespace walnut::server {
namespace {

// Stock's NUT_NET_ANSWER_MAX: sendback() formats into 512 bytes plus the terminator.
constexpr std::size_t kMaxReplyLine = 512;

using Handler = void (*)(const Args&, ClientState&, NetContext&, Reply&);

struct NetCommand {
  std::string_view name;
  Handler handler;
  bool needs_credentials;  // stock's FLAG_USER: USERNAME and PASSWORD must have been sent
};

constexpr std::array<NetCommand, 16> kCommands = {{
    {"VER", net_ver, false},
    {"NETVER", net_netver, false},
    {"PROTVER", net_netver, false},
    {"HELP", net_help, false},
    {"STARTTLS", net_starttls, false},
    {"GET", net_get, false},
    {"LIST", net_list, false},
    {"USERNAME", net_username, false},
    {"PASSWORD", net_password, false},
    {"LOGIN", net_login, true},
    {"LOGOUT", net_logout, false},
    {"PRIMARY", net_primary, true},
    {"MASTER", net_master, true},
    {"FSD", net_fsd, true},
    {"SET", net_set, true},
    {"INSTCMD", net_instcmd, true},
}};

}  // namespace

std::string encode_truncated(std::string_view raw, std::size_t buffer_size) {
  std::string out;
  if (buffer_size < 1) return out;
  const std::size_t max_length = buffer_size - 1;
  for (char c : raw) {
    if (c == '#' || c == '\\' || c == '"') {
      if (out.size() + 1 >= max_length) return out;
      out.push_back('\\');
    }
    if (out.size() >= max_length) return out;
    out.push_back(c);
  }
  return out;
}

void Reply::line(std::string_view line) {
  out_.append(line.substr(0, kMaxReplyLine));
}

void Reply::error(NetError error) {
  ++stats_.errors[static_cast<std::size_t>(error)];
  line(net_error_line(error));
}

bool ups_available(const Ups& ups, Reply& reply) {
  if (!ups.driver_connected) {
    reply.error(NetError::kDriverNotConnected);
    return false;
  }
  if (ups.data_stale(std::chrono::steady_clock::now())) {
    reply.error(NetError::kDataStale);
    return false;
  }
  return true;
}

Ups* find_ups_or_reply(NetContext& context, std::string_view name, Reply& reply) {
  Ups* ups = context.registry.find(name);
  if (ups == nullptr) reply.error(NetError::kUnknownUps);
  return ups;
}

void dispatch_net_command(const std::vector<std::string>& words, ClientState& client,
                          NetContext& context, std::string& out) {
  Reply reply(out, context.stats);
  ++context.stats.commands;
  if (words.empty()) {
    reply.error(NetError::kUnknownCommand);
    return;
  }
  for (const auto& command : kCommands) {
    if (!equals_ignoring_case(command.name, words[0])) continue;
    if (command.needs_credentials) {
      if (!client.credentials.username) return reply.error(NetError::kUsernameRequired);
      if (!client.credentials.password) return reply.error(NetError::kPasswordRequired);
    }
    const Args args(words.data() + 1, words.size() - 1);
    command.handler(args, client, context, reply);
    return;
  }
  reply.error(NetError::kUnknownCommand);
}

}  // namespace walnut::server
