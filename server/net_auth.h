// The credential check every privileged command (LOGIN, PRIMARY/MASTER, FSD, SET VAR, INSTCMD)
// goes through: the ACL decision, the login throttle's count (auth_throttle.h) and the failure's
// log line with the client's address (rate-limited, log_limiter.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/net_commands.h"

namespace walnut::server {

// May the client's credentials do `action` ("FSD", "SET", "LOGIN", "PRIMARY")? `target` names
// what was asked for in the failure's log line ("UPS [ups1]"). A wrong password or unknown user
// counts as a failure for the throttle; a right password resets it.
bool authorized(const ClientState& client, NetContext& context, std::string_view action,
                std::string_view target);
// The same for INSTCMD `command` (the user's instcmds list decides).
bool authorized_instcmd(const ClientState& client, NetContext& context, std::string_view command,
                        std::string_view target);

// True when this request will check the client's password (so the throttle may hold it first):
// one of the commands above, with USERNAME and PASSWORD already given.
bool checks_password(const std::vector<std::string>& words, const ClientState& client);

// Logs a refused USERNAME/PASSWORD or a check the throttle refused (rate-limited).
void log_credentials_refused(const ClientState& client, std::string_view what);

}  // namespace walnut::server
