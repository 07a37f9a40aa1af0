// Plain requests, STARTTLS, TLS.
#include "server/session_stream.h"

#include "common/log.h"
#include "server/log_limiter.h"
#include "server/net_error.h"
#include "server/tls_context.h"

namespace walnut::server {

SessionStream::SessionStream(ClientState& client, Dispatch dispatch, MayContinue may_continue)
    : client_(client), dispatch_(std::move(dispatch)), may_continue_(std::move(may_continue)) {}

bool SessionStream::feed(const char* data, std::size_t size, std::string& out) {
  const bool keep_open = tls_ ? consume_tls(data, size, out) : consume(data, size, out);
  if (keep_open && client_.start_tls_after_reply) begin_tls();
  return keep_open;
}

bool SessionStream::consume(const char* data, std::size_t size, std::string& reply) {
  const auto outcome = reader_.feed(
      data, size,
      [&](const std::vector<std::string>& words) {
        dispatch_(words, reply);
        // Not one byte after OK STARTTLS is read as a plain-text request.
        if (client_.start_tls_after_reply) reader_.stop_after_line();
        // Stop parsing a client that already owes itself too many unread replies: the session
        // drops it, and memory never holds more than one read's worth beyond the bound.
        return !client_.close_after_reply && may_continue_();
      },
      [&](std::string_view message) {
        client_log(log::Priority::kNotice, client_.address, "", "parse error",
                   "Parse error on sock from {}: {}", client_.address, message);
      },
      [&] {
        client_log(log::Priority::kNotice, client_.address, "", "line ending inside a quote",
                   "Client {} sent a line ending inside a quote", client_.address);
        reply += net_error_line(NetError::kInvalidArgument);
      });
  if (outcome == RequestReader::Outcome::kTooLong) {
    client_log(log::Priority::kNotice, client_.address, "", "line too long",
               "Client {} sent a line longer than {} bytes: disconnecting", client_.address,
               RequestReader::kMaxLineBytes);
    reply += net_error_line(NetError::kTooLong);
    return false;
  }
  if (client_.start_tls_after_reply && reader_.unread() > 0) {
    // A real client waits for OK STARTTLS before its handshake: bytes already here were
    // sent (or injected) in plain text behind the STARTTLS line (the CVE-2011-0411 class).
    client_log(log::Priority::kNotice, client_.address, "", "bytes after STARTTLS",
               "Client {} sent {} bytes after STARTTLS before the TLS handshake: disconnecting",
               client_.address, reader_.unread());
    client_.start_tls_after_reply = false;
    return false;
  }
  return outcome == RequestReader::Outcome::kContinue ||
         (outcome == RequestReader::Outcome::kStop && client_.start_tls_after_reply &&
          !client_.close_after_reply);
}

bool SessionStream::resume(const Resume& run, std::string& out) {
  if (tls_) {
    const bool keep_open = run(tls_->plain_out);
    return seal(out) && keep_open;
  }
  const bool keep_open = run(out);
  if (!client_.start_tls_after_reply) return keep_open;
  if (!keep_open || reader_.mid_line()) {
    // Held lines left after the STARTTLS line (run() closes for them), or the start of one:
    // plain text behind STARTTLS, as in consume().
    client_log(log::Priority::kNotice, client_.address, "", "bytes after STARTTLS",
               "Client {} sent more after STARTTLS before the TLS handshake: disconnecting",
               client_.address);
    client_.start_tls_after_reply = false;
    return false;
  }
  begin_tls();
  return true;
}

// "OK STARTTLS" is already in the output as plain text; everything after it is TLS.
void SessionStream::begin_tls() {
  client_.start_tls_after_reply = false;
  const auto& context = tls_policy().context;
  if (!context) return;
  tls_ = std::make_unique<TlsSession>(*context);
  client_.tls = true;
  // Nothing said in plain text carries into the TLS session (RFC 3207's rule for SMTP).
  client_.credentials = {};
}

bool SessionStream::consume_tls(const char* data, std::size_t size, std::string& out) {
  std::string plain;
  const bool handshaking = !tls_->engine.handshake_done();
  if (Status status = tls_->engine.receive(data, size, plain, out); !status) {
    client_log(log::Priority::kNotice, client_.address, "", "TLS failure", "TLS with {} failed: {}",
               client_.address, status.error());
    return false;  // out may hold the alert, sent before closing
  }
  if (handshaking && tls_->engine.handshake_done()) {
    const std::string subject = tls_->engine.peer_subject();
    log::debug(2, "TLS with {} established{}{}", client_.address,
               subject.empty() ? "" : ", client certificate ", subject);
  }
  const bool keep_open = plain.empty() || consume(plain.data(), plain.size(), tls_->plain_out);
  return seal(out) && keep_open;
}

// Encrypts the replies so far into `out`.
bool SessionStream::seal(std::string& out) {
  if (Status status = tls_->engine.send(tls_->plain_out, out); !status) {
    client_log(log::Priority::kNotice, client_.address, "", "TLS failure", "TLS with {} failed: {}",
               client_.address, status.error());
    return false;
  }
  return true;
}

}  // namespace walnut::server
