// ACL decisions.
#include "server/acl.h"

#include <cstddef>

namespace walnut::server {

// Walks the attempt byte by byte against the stored password repeated (byte i mod its length),
// OR-ing every difference into an accumulator, with no early exit; a length mismatch is folded
// in at the end. The time taken depends on the attempt's length alone: neither where the first
// difference is nor the stored password's length shows.
bool same_secret(const std::string& expected, const std::string& given) {
  static const char kNothing = '\0';
  const char* stored = expected.empty() ? &kNothing : expected.data();
  const std::size_t period = expected.empty() ? 1 : expected.size();
  // volatile: the compiler may not turn the loop into one that stops at a difference.
  volatile unsigned char differences = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    differences = differences | static_cast<unsigned char>(given[i] ^ stored[j]);
    ++j;
    j = j == period ? 0 : j;
  }
  const std::size_t length_mismatch = expected.size() ^ given.size();
  return (differences == 0) & (length_mismatch == 0);
}

namespace {

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
