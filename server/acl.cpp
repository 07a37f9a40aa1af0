// ACL decisions. Like stock, the first account of that name decides; a wrong password
// fails even if a later duplicate would match.
#include "server/acl.h"

#include <openssl/crypto.h>

#include "server/variable_store.h"

namespace walnut::server {
namespace {

bool same_secret(const std::string& expected, const std::string& given) {
  if (expected.size() != given.size()) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

const User* authenticate(const UserTable& users, const Credentials& credentials) {
  if (!credentials.username || !credentials.password) return nullptr;
  for (const auto& user : users.users) {
    if (!user.password || user.name != *credentials.username) continue;
    return same_secret(*user.password, *credentials.password) ? &user : nullptr;
  }
  return nullptr;
}

}  // namespace

bool may_perform(const UserTable& users, const Credentials& credentials, std::string_view action) {
  const User* user = authenticate(users, credentials);
  if (user == nullptr) return false;
  for (const auto& granted : user->actions) {
    if (equals_ignoring_case(granted, action)) return true;
  }
  return false;
}

bool may_run_instcmd(const UserTable& users, const Credentials& credentials,
                     std::string_view command) {
  const User* user = authenticate(users, credentials);
  if (user == nullptr) return false;
  for (const auto& granted : user->instcmds) {
    if (equals_ignoring_case(granted, command) || equals_ignoring_case(granted, "all")) return true;
  }
  return false;
}

}  // namespace walnut::server
