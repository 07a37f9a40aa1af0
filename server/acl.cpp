// ACL decisions.
#include "server/acl.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace walnut::server {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest sha256(const std::string& text) {
  Digest digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

}  // namespace

// Compares equal-length digests in constant time: neither where the first difference is nor
// a length mismatch shows in the time taken (hashing takes time by length only).
bool same_secret(const std::string& expected, const std::string& given) {
  const Digest a = sha256(expected);
  const Digest b = sha256(given);
  const bool digests_match = CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
  // The lengths are compared too (without branching first) so that equal digests of
  // different texts, however unlikely, never pass.
  return digests_match & (expected.size() == given.size());
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
