// One client connection's byte stream without its socket: request lines in plain text, then
// after STARTTLS everything through the TLS engine. Sessions do the socket I/O around it; the
// fuzz target drives it directly.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/net_commands.h"
#include "server/request_reader.h"
#include "server/tls_engine.h"

namespace walnut::server {

class SessionStream {
 public:
  // Runs one request line, appending its reply to `reply`.
  using Dispatch = std::function<void(const std::vector<std::string>& words, std::string& reply)>;
  // False when the client owes itself too many unread replies: parsing stops.
  using MayContinue = std::function<bool()>;

  SessionStream(ClientState& client, Dispatch dispatch, MayContinue may_continue);

  // Handles one read's bytes and appends what the socket must send to `out` (plain replies,
  // or TLS records once STARTTLS took effect). False: close once `out` has gone out.
  // Bytes that follow the STARTTLS line in the same read close the connection (a
  // man in the middle would otherwise run plain-text commands inside the TLS session).
  bool feed(const char* data, std::size_t size, std::string& out);

  // Runs request lines the session held back after their read (the login throttle) as feed()
  // would have: `run` dispatches them into the reply buffer it is given and returns false when
  // the connection must close. Replies are then sealed into `out` after STARTTLS; a STARTTLS
  // among the lines takes effect, unless plain-text bytes already wait behind it (then the
  // connection closes, as in feed()).
  using Resume = std::function<bool(std::string& reply)>;
  bool resume(const Resume& run, std::string& out);

  // Replies not yet encrypted (they count towards the client's unread output).
  std::size_t unsealed() const { return tls_ ? tls_->plain_out.size() : 0; }
  void release_memory() { reader_.release_memory(); }

 private:
  bool consume(const char* data, std::size_t size, std::string& reply);
  bool consume_tls(const char* data, std::size_t size, std::string& out);
  bool seal(std::string& out);
  void begin_tls();

  ClientState& client_;
  Dispatch dispatch_;
  MayContinue may_continue_;
  RequestReader reader_;
  // After STARTTLS only: an idle plain-text connection carries one pointer for TLS.
  struct TlsSession {
    explicit TlsSession(const TlsContext& context) : engine(context) {}
    TlsEngine engine;
    std::string plain_out;  // replies not yet encrypted
  };
  std::unique_ptr<TlsSession> tls_;
};

}  // namespace walnut::server
