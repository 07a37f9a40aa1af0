// ACL decisions.
#include "server/acl.h"

#include <openssl/crypto.h>

namespace walnut::server {
namespace {

bool same_secret(const std::string& expected, const std::string& given) {
  if (expected.size() != given.size()) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

const config::UpsdUser* authenticate(const config::UpsdUsers& users,
                                     const Credentials& credentials) {
  if (!credentials.username || !credentials.password) return nullptr;
  for (const auto& user : users.users) {
    if (!user.password || user.name != *credentials.username) continue;
    return same_secret(*user.password, *credentials.password) ? &user : nullptr;
  }
  return nullptr;
}

}  // namespace

bool may_perform(const config::UpsdUsers& users, const Credentials& credentials,
                 std::string_view action) {
  const config::UpsdUser* user = authenticate(users, credentials);
  return user != nullptr && user->has_action(action);
}

bool may_run_instcmd(const config::UpsdUsers& users, const Credentials& credentials,
                     std::string_view command) {
  const config::UpsdUser* user = authenticate(users, credentials);
  return user != nullptr && user->may_run_instcmd(command);
}

bool password_matches(const config::UpsdUsers& users, const Credentials& credentials) {
  return authenticate(users, credentials) != nullptr;
}

}  // namespace walnut::server
