// OpenSSL server context from upsd.conf.
#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

namespace walnut::server {
namespace {

// Modern AEAD suites with forward secrecy for TLS 1.2 (TLS 1.3 suites are all of that kind).
constexpr const char* kStrongCiphers =
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL";

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

Status load_certificate(SSL_CTX* ctx, const std::string& file) {
  if (SSL_CTX_use_certificate_chain_file(ctx, file.c_str()) != 1) {
    return Error{fmt::format("CERTFILE {}: no certificate: {}", file, openssl_error())};
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Error{fmt::format("CERTFILE {}: no private key: {}", file, openssl_error())};
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Error{fmt::format("CERTFILE {}: key does not match the certificate", file)};
  }
  return Ok{};
}

Status load_client_cas(SSL_CTX* ctx, const config::UpsdConf& conf) {
  const auto& source = conf.cacertfile ? conf.cacertfile : conf.certpath;
  if (!source) {
    return Error{"CERTREQUEST asks for client certificates but no CACERTFILE is set"};
  }
  if (SSL_CTX_load_verify_locations(ctx, conf.cacertfile ? source->c_str() : nullptr,
                                    conf.cacertfile ? nullptr : source->c_str()) != 1) {
    return Error{fmt::format("CA certificates {}: {}", *source, openssl_error())};
  }
  if (conf.cacertfile) {
    // Tells clients which CAs are acceptable (NSS picks its certificate by them).
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(source->c_str())) {
      SSL_CTX_set_client_CA_list(ctx, names);
    }
  }
  int mode = SSL_VERIFY_PEER;
  if (conf.certrequest == config::CertRequest::kRequire) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  // REQUEST: a client without a certificate is let in; one presenting an invalid one is not.
  SSL_CTX_set_verify(ctx, mode, nullptr);
  return Ok{};
}

}  // namespace

bool weak_suites_allowed(const config::UpsdConf& conf) {
  return conf.allow_weak_ssl && !conf.disable_weak_ssl;
}

bool credentials_need_tls(const config::UpsdConf& conf) {
  return conf.force_ssl ||
         (conf.certfile && conf.certrequest == config::CertRequest::kRequire);
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

Result<std::shared_ptr<TlsContext>> TlsContext::create(const config::UpsdConf& conf) {
  if (!conf.certfile) return Error{"no CERTFILE"};
  SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
  if (raw == nullptr) return Error{fmt::format("TLS setup: {}", openssl_error())};
  auto context = std::make_shared<TlsContext>(raw);
  SSL_CTX_set_options(raw, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Forward-secret AEAD suites unless weaker ones are asked for by name (stock offers
  // OpenSSL's defaults unless DISABLE_WEAK_SSL; walnut makes the strong set the default).
  if (!weak_suites_allowed(conf)) {
    SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(raw, kStrongCiphers) != 1) {
      return Error{fmt::format("TLS ciphers: {}", openssl_error())};
    }
  }
  if (Status status = load_certificate(raw, *conf.certfile); !status) return Error{status.error()};
  if (conf.certrequest != config::CertRequest::kNo) {
    if (Status status = load_client_cas(raw, conf); !status) return Error{status.error()};
    static const unsigned char kSessionId[] = "walnut-upsd";
    SSL_CTX_set_session_id_context(raw, kSessionId, sizeof kSessionId - 1);
  }
  return context;
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
