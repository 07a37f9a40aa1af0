// upsd.conf's TLS settings handed to walnut-tls.so.
#include "server/tls_context.h"

#include "server/tls_module_loader.h"

namespace walnut::server {
namespace {

int certrequest_code(config::CertRequest request) {
  switch (request) {
    case config::CertRequest::kNo: return WALNUT_TLS_CERTREQUEST_NO;
    case config::CertRequest::kRequest: return WALNUT_TLS_CERTREQUEST_REQUEST;
    case config::CertRequest::kRequire: return WALNUT_TLS_CERTREQUEST_REQUIRE;
  }
  return WALNUT_TLS_CERTREQUEST_REQUIRE;
}

}  // namespace

bool weak_suites_allowed(const config::UpsdConf& conf) {
  return conf.allow_weak_ssl && !conf.disable_weak_ssl;
}

bool credentials_need_tls(const config::UpsdConf& conf) {
  return conf.force_ssl ||
         (conf.certfile && conf.certrequest == config::CertRequest::kRequire);
}

TlsContext::~TlsContext() { module_.context_free(context_); }

Result<std::shared_ptr<TlsContext>> TlsContext::create(const config::UpsdConf& conf) {
  if (!conf.certfile) return Error{"no CERTFILE"};
  auto module = load_tls_module();
  if (!module) return Error{module.error()};
  walnut_tls_settings settings{};
  settings.certfile = conf.certfile->c_str();
  settings.cacertfile = conf.cacertfile ? conf.cacertfile->c_str() : nullptr;
  settings.certpath = conf.certpath ? conf.certpath->c_str() : nullptr;
  settings.certrequest = certrequest_code(conf.certrequest);
  // Forward-secret AEAD suites unless weaker ones are asked for by name (stock offers
  // OpenSSL's defaults unless DISABLE_WEAK_SSL; walnut makes the strong set the default).
  settings.strong_only = weak_suites_allowed(conf) ? 0 : 1;
  char error[512] = "";
  walnut_tls_context* context = (*module)->context_new(&settings, error, sizeof error);
  if (context == nullptr) return Error{error};
  return std::make_shared<TlsContext>(**module, context);
}

namespace {
TlsPolicy& policy_storage() {
  static TlsPolicy policy;
  return policy;
}
}  // namespace

void set_tls_policy(TlsPolicy policy) { policy_storage() = std::move(policy); }
const TlsPolicy& tls_policy() { return policy_storage(); }

}  // namespace walnut::server
