// upsd's STARTTLS setup: an OpenSSL server context built from upsd.conf (CERTFILE, CACERTFILE,
// CERTREQUEST, DISABLE_WEAK_SSL), shared by every session that switches to TLS. OpenSSL itself
// is in walnut-tls.so, loaded by the first create() (server/tls_module_loader.h).
#pragma once

#include <memory>

#include "common/config/upsd_conf.h"
#include "common/result.h"

struct walnut_tls_context;

namespace walnut::server {

struct TlsModule;

class TlsContext {
 public:
  // Reads CERTFILE (certificate chain + private key, PEM) and, when client certificates are
  // requested, the CAs from CACERTFILE (else CERTPATH). Errors name the file, or the module
  // that could not be loaded.
  static Result<std::shared_ptr<TlsContext>> create(const config::UpsdConf& conf);

  TlsContext(const TlsModule& module, walnut_tls_context* context)
      : module_(module), context_(context) {}
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  const TlsModule& module() const { return module_; }
  walnut_tls_context* handle() const { return context_; }

 private:
  const TlsModule& module_;
  walnut_tls_context* context_;
};

// Whether TLS may use OpenSSL's default protocols and suites (ALLOW_WEAK_SSL 1 without
// DISABLE_WEAK_SSL 1); otherwise TLS 1.2+ with ECDHE/DHE AEAD suites only.
bool weak_suites_allowed(const config::UpsdConf& conf);

// FORCESSL, also implied by CERTREQUEST REQUIRE when TLS is on: a server that demands client
// certificates must not take passwords in plain text. Without CERTFILE nothing is implied
// (no client could ever log in, and upsmon could not shut down).
bool credentials_need_tls(const config::UpsdConf& conf);

// What sessions consult when they start: set once by main() before serving. FORCESSL
// (credentials only over TLS) applies even without a certificate: then no one may log in.
struct TlsPolicy {
  std::shared_ptr<TlsContext> context;  // null: STARTTLS is not offered
  bool force_ssl = false;
};
void set_tls_policy(TlsPolicy policy);
const TlsPolicy& tls_policy();

}  // namespace walnut::server
