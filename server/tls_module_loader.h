// Finds and loads walnut-tls.so (server/tls_module/walnut_tls.h), the module that holds all of
// upsd's OpenSSL code: upsd itself does not link OpenSSL, so an upsd without CERTFILE never maps
// libssl and libcrypto (issue 19).
#pragma once

#include <string>

#include "common/result.h"
#include "server/tls_module/walnut_tls.h"

namespace walnut::server {

// The module's functions, looked up once.
struct TlsModule {
  decltype(&walnut_tls_context_new) context_new;
  decltype(&walnut_tls_context_free) context_free;
  decltype(&walnut_tls_session_new) session_new;
  decltype(&walnut_tls_session_free) session_free;
  decltype(&walnut_tls_receive) receive;
  decltype(&walnut_tls_send) send;
  decltype(&walnut_tls_handshake_done) handshake_done;
  decltype(&walnut_tls_peer_subject) peer_subject;
};

// Loads walnut-tls.so the first time (later calls return the same module; it stays loaded).
// It is looked for at $WALNUT_TLS_MODULE when set (an absolute path), beside this program
// (build/bin, or upsd's install directory), then in upsd's install directory. Errors name the
// path and dlerror(), or the ABI version the module has and the one upsd needs.
Result<const TlsModule*> load_tls_module();

// dlopen()s the module at `path` and looks its functions up, checking its ABI version first;
// the error names `path` and says why (dlerror(), or the two ABI versions). Not cached: for
// load_tls_module() and tests.
Result<TlsModule> open_tls_module(const std::string& path);

}  // namespace walnut::server
