// Credential checks with throttle and logging.
#include "server/net_auth.h"

#include "common/log.h"
#include "server/acl.h"
#include "server/auth_throttle.h"
#include "server/log_limiter.h"

namespace walnut::server {
namespace {

bool record(const ClientState& client, NetContext& context, bool allowed,
            std::string_view action, std::string_view target) {
  const std::string& user = client.credentials.username.value_or("");
  const bool password_right = allowed || password_matches(context.users, client.credentials);
  if (client.trusted_local_peer) {
    // Neither slowed nor counted: its success must not reset an attacker's count either.
  } else if (password_right) {
    auth_throttle().succeeded(client.address, user);
  } else {
    auth_throttle().failed(client.address, user, context.now);
  }
  if (!allowed) {
    client_log(log::Priority::kNotice, client.address, user, fmt::format("failed {}", action),
               "Failed {} by {}@{} on {}: {}", action, user, client.address, target,
               password_right ? "not allowed for this user" : "wrong password or unknown user");
  }
  return allowed;
}

bool is(std::string_view word, std::string_view command) {
  return equals_ignoring_case(word, command);
}

}  // namespace

bool authorized(const ClientState& client, NetContext& context, std::string_view action,
                std::string_view target) {
  bool allowed = may_perform(context.users, client.credentials, action);
  // PRIMARY is the new name of MASTER: either right grants it.
  if (!allowed && is(action, "PRIMARY")) {
    allowed = may_perform(context.users, client.credentials, "MASTER");
  }
  return record(client, context, allowed, action, target);
}

bool authorized_instcmd(const ClientState& client, NetContext& context, std::string_view command,
                        std::string_view target) {
  const bool allowed = may_run_instcmd(context.users, client.credentials, command);
  return record(client, context, allowed, "INSTCMD", fmt::format("{} {}", target, command));
}

bool checks_password(const std::vector<std::string>& words, const ClientState& client) {
  if (words.empty() || !client.credentials.username || !client.credentials.password) return false;
  const std::string& command = words[0];
  if (is(command, "SET")) return words.size() > 1 && is(words[1], "VAR");
  return is(command, "LOGIN") || is(command, "PRIMARY") || is(command, "MASTER") ||
         is(command, "FSD") || is(command, "INSTCMD");
}

void log_credentials_refused(const ClientState& client, std::string_view what) {
  const std::string& user = client.credentials.username.value_or("");
  client_log(log::Priority::kNotice, client.address, user, what, "Client {}{}{}: {}", user,
             user.empty() ? "" : "@", client.address, what);
}

}  // namespace walnut::server
