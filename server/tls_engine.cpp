// TLS over memory BIOs, so sessions keep their own non-blocking socket I/O.
#include "server/tls_engine.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>

#include <fmt/format.h>

namespace walnut::server {
namespace {

std::string last_error(SSL* ssl) {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    if (!text.empty()) text += "; ";
    text += buffer.data();
  }
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    text += fmt::format(" (certificate: {})", X509_verify_cert_error_string(verify));
  }
  return text.empty() ? "connection closed during TLS" : text;
}

}  // namespace

TlsEngine::TlsEngine(const TlsContext& context) : ssl_(SSL_new(context.native())) {
  // The SSL object owns both BIOs once set.
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_accept_state(ssl_);
}

TlsEngine::~TlsEngine() { SSL_free(ssl_); }

bool TlsEngine::handshake_done() const { return SSL_is_init_finished(ssl_) == 1; }

void TlsEngine::drain(std::string& cipher_out) {
  BIO* out = SSL_get_wbio(ssl_);
  std::array<char, 4096> buffer;
  int count;
  while ((count = BIO_read(out, buffer.data(), static_cast<int>(buffer.size()))) > 0) {
    cipher_out.append(buffer.data(), static_cast<std::size_t>(count));
  }
}

Status TlsEngine::receive(const char* data, std::size_t size, std::string& plain,
                          std::string& cipher_out) {
  if (size > 0 && BIO_write(SSL_get_rbio(ssl_), data, static_cast<int>(size)) <= 0) {
    return Error{"TLS buffer full"};
  }
  std::array<char, 4096> buffer;
  for (;;) {
    const int count = SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size()));
    if (count > 0) {
      plain.append(buffer.data(), static_cast<std::size_t>(count));
      continue;
    }
    const int reason = SSL_get_error(ssl_, count);
    drain(cipher_out);  // handshake replies and alerts, also when failing
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return Ok{};
    if (reason == SSL_ERROR_ZERO_RETURN) return Error{"client closed TLS"};
    return Error{last_error(ssl_)};
  }
}

Status TlsEngine::send(std::string& plain, std::string& cipher_out) {
  while (!plain.empty() && handshake_done()) {
    std::size_t written = 0;
    if (SSL_write_ex(ssl_, plain.data(), plain.size(), &written) != 1) {
      const int reason = SSL_get_error(ssl_, 0);
      drain(cipher_out);
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return Ok{};
      return Error{last_error(ssl_)};
    }
    plain.erase(0, written);
  }
  drain(cipher_out);
  return Ok{};
}

std::string TlsEngine::peer_subject() const {
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return {};
  std::array<char, 512> buffer{};
  X509_NAME_oneline(X509_get_subject_name(cert), buffer.data(), buffer.size());
  X509_free(cert);
  return buffer.data();
}

}  // namespace walnut::server
