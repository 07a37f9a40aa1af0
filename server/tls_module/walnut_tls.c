/* walnut-tls.so: upsd's OpenSSL code behind the C ABI of walnut_tls.h. The server context from
 * upsd.conf, and TLS over memory BIOs so sessions keep their own non-blocking socket I/O. */
#include "server/tls_module/walnut_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WALNUT_TLS_EXPORT __attribute__((visibility("default")))

/* Modern AEAD suites with forward secrecy for TLS 1.2 (TLS 1.3 suites are all of that kind). */
static const char kStrongCiphers[] =
    "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL";

struct walnut_tls_context {
  SSL_CTX* ctx;
};

struct walnut_tls_session {
  SSL* ssl;
};

static void say(char* error, size_t error_size, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char* error, size_t error_size, const char* format, ...) {
  if (error == NULL || error_size == 0) return;
  va_list args;
  va_start(args, format);
  vsnprintf(error, error_size, format, args);
  va_end(args);
}

/* The oldest queued OpenSSL error, the queue then cleared. */
static const char* openssl_error(char* text, size_t size) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  ERR_error_string_n(code, text, size);
  return text;
}

static int load_certificate(SSL_CTX* ctx, const char* file, char* error, size_t error_size) {
  char reason[256];
  if (SSL_CTX_use_certificate_chain_file(ctx, file) != 1) {
    say(error, error_size, "CERTFILE %s: no certificate: %s", file,
        openssl_error(reason, sizeof reason));
    return -1;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, file, SSL_FILETYPE_PEM) != 1) {
    say(error, error_size, "CERTFILE %s: no private key: %s", file,
        openssl_error(reason, sizeof reason));
    return -1;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    say(error, error_size, "CERTFILE %s: key does not match the certificate", file);
    return -1;
  }
  return 0;
}

static int load_client_cas(SSL_CTX* ctx, const struct walnut_tls_settings* settings, char* error,
                           size_t error_size) {
  const char* source = settings->cacertfile ? settings->cacertfile : settings->certpath;
  if (source == NULL) {
    say(error, error_size, "CERTREQUEST asks for client certificates but no CACERTFILE is set");
    return -1;
  }
  if (SSL_CTX_load_verify_locations(ctx, settings->cacertfile, settings->cacertfile ? NULL : source) !=
      1) {
    char reason[256];
    say(error, error_size, "CA certificates %s: %s", source, openssl_error(reason, sizeof reason));
    return -1;
  }
  if (settings->cacertfile) {
    /* Tells clients which CAs are acceptable (NSS picks its certificate by them). */
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(source);
    if (names != NULL) SSL_CTX_set_client_CA_list(ctx, names);
  }
  int mode = SSL_VERIFY_PEER;
  if (settings->certrequest == WALNUT_TLS_CERTREQUEST_REQUIRE) {
    mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  /* REQUEST: a client without a certificate is let in; one presenting an invalid one is not. */
  SSL_CTX_set_verify(ctx, mode, NULL);
  return 0;
}

WALNUT_TLS_EXPORT unsigned walnut_tls_abi_version(void) { return WALNUT_TLS_ABI_VERSION; }

WALNUT_TLS_EXPORT walnut_tls_context* walnut_tls_context_new(
    const struct walnut_tls_settings* settings, char* error, size_t error_size) {
  if (settings->certfile == NULL) {
    say(error, error_size, "no CERTFILE");
    return NULL;
  }
  char reason[256];
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == NULL) {
    say(error, error_size, "TLS setup: %s", openssl_error(reason, sizeof reason));
    return NULL;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  /* Forward-secret AEAD suites unless weaker ones are asked for by name (stock offers
   * OpenSSL's defaults unless DISABLE_WEAK_SSL; walnut makes the strong set the default). */
  if (settings->strong_only) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(ctx, kStrongCiphers) != 1) {
      say(error, error_size, "TLS ciphers: %s", openssl_error(reason, sizeof reason));
      SSL_CTX_free(ctx);
      return NULL;
    }
  }
  if (load_certificate(ctx, settings->certfile, error, error_size) != 0) {
    SSL_CTX_free(ctx);
    return NULL;
  }
  if (settings->certrequest != WALNUT_TLS_CERTREQUEST_NO) {
    if (load_client_cas(ctx, settings, error, error_size) != 0) {
      SSL_CTX_free(ctx);
      return NULL;
    }
    static const unsigned char kSessionId[] = "walnut-upsd";
    SSL_CTX_set_session_id_context(ctx, kSessionId, sizeof kSessionId - 1);
  }
  walnut_tls_context* context = OPENSSL_zalloc(sizeof *context);
  if (context == NULL) {
    say(error, error_size, "TLS setup: out of memory");
    SSL_CTX_free(ctx);
    return NULL;
  }
  context->ctx = ctx;
  return context;
}

WALNUT_TLS_EXPORT void walnut_tls_context_free(walnut_tls_context* context) {
  if (context == NULL) return;
  SSL_CTX_free(context->ctx);
  OPENSSL_free(context);
}

WALNUT_TLS_EXPORT walnut_tls_session* walnut_tls_session_new(walnut_tls_context* context) {
  walnut_tls_session* session = OPENSSL_zalloc(sizeof *session);
  if (session == NULL) return NULL;
  session->ssl = SSL_new(context->ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (session->ssl == NULL || in == NULL || out == NULL) {
    BIO_free(in);
    BIO_free(out);
    SSL_free(session->ssl);
    OPENSSL_free(session);
    return NULL;
  }
  /* The SSL object owns both BIOs once set. */
  SSL_set_bio(session->ssl, in, out);
  SSL_set_accept_state(session->ssl);
  return session;
}

WALNUT_TLS_EXPORT void walnut_tls_session_free(walnut_tls_session* session) {
  if (session == NULL) return;
  SSL_free(session->ssl);
  OPENSSL_free(session);
}

WALNUT_TLS_EXPORT int walnut_tls_handshake_done(const walnut_tls_session* session) {
  return SSL_is_init_finished(session->ssl) == 1;
}

/* Every queued OpenSSL error ("; " between them) and a failed certificate check's reason. */
static void last_error(SSL* ssl, char* error, size_t error_size) {
  if (error == NULL || error_size == 0) return;
  error[0] = '\0';
  size_t used = 0;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    if (used < error_size) {
      const int n = snprintf(error + used, error_size - used, "%s%s", used ? "; " : "", text);
      if (n > 0) used += (size_t)n;
    }
  }
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK && used < error_size) {
    snprintf(error + used, error_size - used, " (certificate: %s)",
             X509_verify_cert_error_string(verify));
  } else if (used == 0) {
    say(error, error_size, "connection closed during TLS");
  }
}

/* Hands every byte OpenSSL has sealed for the peer to `cipher`; -1, said, when the sink fails. */
static int drain(SSL* ssl, walnut_tls_sink cipher, void* user, char* error, size_t error_size) {
  BIO* out = SSL_get_wbio(ssl);
  char buffer[4096];
  int count;
  while ((count = BIO_read(out, buffer, (int)sizeof buffer)) > 0) {
    if (cipher(user, buffer, (size_t)count) != 0) {
      say(error, error_size, "out of memory");
      return -1;
    }
  }
  return 0;
}

WALNUT_TLS_EXPORT int walnut_tls_receive(walnut_tls_session* session, const char* data,
                                         size_t size, walnut_tls_sink plain, walnut_tls_sink cipher,
                                         void* user, char* error, size_t error_size) {
  SSL* ssl = session->ssl;
  if (size > 0 && BIO_write(SSL_get_rbio(ssl), data, (int)size) <= 0) {
    say(error, error_size, "TLS buffer full");
    return -1;
  }
  char buffer[4096];
  for (;;) {
    const int count = SSL_read(ssl, buffer, (int)sizeof buffer);
    if (count > 0) {
      if (plain(user, buffer, (size_t)count) != 0) {
        say(error, error_size, "out of memory");
        return -1;
      }
      continue;
    }
    const int reason = SSL_get_error(ssl, count);
    /* Handshake replies and alerts, also when failing. */
    if (drain(ssl, cipher, user, error, error_size) != 0) return -1;
    if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return 0;
    if (reason == SSL_ERROR_ZERO_RETURN) {
      say(error, error_size, "client closed TLS");
      return -1;
    }
    last_error(ssl, error, error_size);
    return -1;
  }
}

WALNUT_TLS_EXPORT int walnut_tls_send(walnut_tls_session* session, const char* plain, size_t size,
                                      size_t* taken, walnut_tls_sink cipher, void* user,
                                      char* error, size_t error_size) {
  SSL* ssl = session->ssl;
  *taken = 0;
  while (*taken < size && SSL_is_init_finished(ssl) == 1) {
    size_t written = 0;
    if (SSL_write_ex(ssl, plain + *taken, size - *taken, &written) != 1) {
      const int reason = SSL_get_error(ssl, 0);
      if (drain(ssl, cipher, user, error, error_size) != 0) return -1;
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return 0;
      last_error(ssl, error, error_size);
      return -1;
    }
    *taken += written;
  }
  return drain(ssl, cipher, user, error, error_size);
}

WALNUT_TLS_EXPORT void walnut_tls_peer_subject(const walnut_tls_session* session, char* buffer,
                                               size_t size) {
  if (size == 0) return;
  buffer[0] = '\0';
  X509* cert = SSL_get1_peer_certificate(session->ssl);
  if (cert == NULL) return;
  X509_NAME_oneline(X509_get_subject_name(cert), buffer, (int)size);
  X509_free(cert);
}
