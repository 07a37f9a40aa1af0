// One connection's TLS state over memory buffers: ciphertext from the socket goes in, plain
// request bytes come out, and plain replies are sealed into ciphertext for the socket. The
// work is done by walnut-tls.so, through the context's module.
#pragma once

#include <string>

#include "common/result.h"
#include "server/tls_context.h"

struct walnut_tls_session;

namespace walnut::server {

class TlsEngine {
 public:
  explicit TlsEngine(const TlsContext& context);
  ~TlsEngine();
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  // Feeds bytes read from the socket; appends the decrypted bytes to `plain` and any bytes the
  // peer must receive (handshake, alerts) to `cipher_out`. Error on a failed handshake or a
  // corrupt record: the connection must close.
  Status receive(const char* data, std::size_t size, std::string& plain, std::string& cipher_out);
  // Encrypts as much of `plain` as the state allows (all of it once the handshake is done),
  // erasing what was taken, and appends the records to `cipher_out`.
  Status send(std::string& plain, std::string& cipher_out);

  bool handshake_done() const;
  // The verified client certificate's subject, empty without one.
  std::string peer_subject() const;

 private:
  const TlsModule& module_;
  walnut_tls_session* session_;  // null when the module ran out of memory
};

}  // namespace walnut::server
