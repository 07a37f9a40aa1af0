/* walnut-tls.so's C ABI: upsd's STARTTLS (an OpenSSL server context and one TLS session per
 * connection over memory buffers) in a module that upsd dlopen()s only when CERTFILE is set, so
 * an upsd without TLS never maps libssl and libcrypto (issue 19: ~1.7 MB resident).
 *
 * Plain C on purpose: no C++ type or exception crosses the boundary. Handles are opaque; output
 * goes through a sink callback; errors come back as text in a buffer the caller owns. Every
 * change to a declaration below bumps WALNUT_TLS_ABI_VERSION: the loader (server/tls_module_loader)
 * refuses a module whose walnut_tls_abi_version() differs. */
#ifndef WALNUT_TLS_MODULE_H
#define WALNUT_TLS_MODULE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WALNUT_TLS_ABI_VERSION 1u

typedef struct walnut_tls_context walnut_tls_context;
typedef struct walnut_tls_session walnut_tls_session;

/* Takes `size` bytes of output; returns 0, or nonzero when it could not (out of memory): then
 * the call that was writing fails. */
typedef int (*walnut_tls_sink)(void* user, const char* data, size_t size);

/* CERTREQUEST as upsd.conf says it. */
enum walnut_tls_certrequest {
  WALNUT_TLS_CERTREQUEST_NO = 0,
  WALNUT_TLS_CERTREQUEST_REQUEST = 1,
  WALNUT_TLS_CERTREQUEST_REQUIRE = 2,
};

/* The upsd.conf settings a context is built from. Strings are NUL-terminated or NULL. */
struct walnut_tls_settings {
  const char* certfile;   /* certificate chain and private key, PEM; required */
  const char* cacertfile; /* CAs for client certificates (also sent as acceptable CAs) */
  const char* certpath;   /* a CA directory, used when cacertfile is NULL */
  int certrequest;        /* enum walnut_tls_certrequest */
  int strong_only;        /* TLS 1.2+ with forward-secret AEAD suites only */
};

/* WALNUT_TLS_ABI_VERSION as the module was built. */
unsigned walnut_tls_abi_version(void);

/* A server context, or NULL with the reason (naming the file) in `error`. */
walnut_tls_context* walnut_tls_context_new(const struct walnut_tls_settings* settings, char* error,
                                           size_t error_size);
void walnut_tls_context_free(walnut_tls_context* context);

/* A server-side session over memory buffers, or NULL when out of memory. The context must
 * outlive it. */
walnut_tls_session* walnut_tls_session_new(walnut_tls_context* context);
void walnut_tls_session_free(walnut_tls_session* session);

/* Feeds `size` bytes read from the socket: decrypted bytes go to `plain`, bytes the peer must
 * receive (handshake, alerts) to `cipher`. 0, or -1 with the reason in `error` (a failed
 * handshake, a corrupt record, the peer's close): the connection must close. */
int walnut_tls_receive(walnut_tls_session* session, const char* data, size_t size,
                       walnut_tls_sink plain, walnut_tls_sink cipher, void* user, char* error,
                       size_t error_size);

/* Encrypts as much of `plain` as the state allows (all of it once the handshake is done), the
 * records to `cipher`; `*taken` says how many bytes of `plain` were used. 0 or -1 as above. */
int walnut_tls_send(walnut_tls_session* session, const char* plain, size_t size, size_t* taken,
                    walnut_tls_sink cipher, void* user, char* error, size_t error_size);

/* 1 once the handshake is complete, else 0. */
int walnut_tls_handshake_done(const walnut_tls_session* session);

/* The verified client certificate's subject, NUL-terminated in `buffer` ("" without one). */
void walnut_tls_peer_subject(const walnut_tls_session* session, char* buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif
