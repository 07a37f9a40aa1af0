// One client connection: read bytes -> NUT line tokenizer -> dispatch -> write the replies.
// Sessions own no read buffer: each wake-up reads into the manager's shared one (one epoll
// wakeup, one read, one write per request). A client whose unread output passes a bound is
// dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include <asio.hpp>

#include "server/client_poller.h"
#include "server/net_commands.h"
#include "server/session_stream.h"

namespace walnut::server {

class SessionManager;

// A client socket as the listener accepts it (bound to the io_context's own executor type); the
// session takes its descriptor over.
using ClientSocket = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;

// The client's address as LIST CLIENT and the logs print it (IPv4-mapped IPv6 as IPv4).
std::string peer_address(const ClientSocket& socket);

class Session : public PolledClient, public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;

  Session(ClientSocket socket, SessionManager& manager, std::uint64_t serial);
  ~Session() override;

  // Hands the socket to the manager's client poller.
  void start();
  // Closes the socket; the manager forgets the session.
  void stop();

  bool stopped() const { return stopped_; }
  const ClientState& client() const { return client_; }
  std::uint64_t serial() const { return serial_; }
  Clock::time_point last_heard() const { return last_heard_; }

  // Whether the client's socket is on this host and owned by root or upsd's user
  // (local_peer.h): asked of the kernel at most once per connection.
  bool trusted_local_peer();
  // The address as the per-address rules count it (client_prefix.h), made when asked (at
  // the session's start and end) rather than kept in every idle session.
  std::string prefix() const;

  // Gives parsing and output buffers back (called for sessions quiet for a while, so that
  // thousands of idle connections stay small).
  void go_quiet();

  // Position in the manager's lists (most recently heard last), and which list.
  std::list<std::shared_ptr<Session>>::iterator idle_position;
  bool in_quiet_list = false;
  // Unread output as the manager last counted it (CLIENT_OUTPUT_LIMIT).
  std::size_t accounted_output = 0;

 private:
  void on_ready(std::uint32_t events) override;
  void on_readable();
  void on_writable();
  void write_more();
  void release_memory();
  // Handles one read's bytes; false when the session stopped or is closing.
  bool process(const char* data, std::size_t size);
  // One request line: held behind the login throttle, or run with its reply into `reply`.
  void handle_line(const std::vector<std::string>& words, std::string& reply);
  void dispatch(const std::vector<std::string>& words, std::string& reply);
  // Whether this connection's credential checks skip the login throttle: a trusted local
  // peer, asked only when the throttle has failures on record for its (address, user).
  bool exempt_from_throttle();
  // The login throttle holds a credential check until `slot`: nothing more is read or answered
  // meanwhile (other clients are served); then the held lines run in order.
  void hold_until(std::chrono::steady_clock::time_point slot);
  void resume_held();
  // After a batch of lines: send replies, close after LOGOUT. False when closing.
  bool finish_batch(bool keep_open);
  bool wants_input() const { return !closing_ && !held_; }
  // Sends what it can, then tells the manager how much output is still held.
  void flush();
  void send_pending();
  std::size_t output_held() const;
  bool output_backed_up() const;

  int fd_ = -1;  // the client socket, non-blocking, owned
  SessionManager& manager_;
  std::uint64_t serial_;
  ClientState client_;
  SessionStream stream_;  // plain requests, STARTTLS, TLS
  std::string pending_;  // bytes not yet handed to the socket (TLS records after STARTTLS)
  std::string writing_;  // replies being written, waiting for the socket to take them
  std::size_t written_ = 0;  // how much of writing_ the socket took
  bool write_in_flight_ = false;
  bool closing_ = false;
  bool stopped_ = false;
  Clock::time_point last_heard_;
  Clock::time_point last_wake_{};  // when the session last woke up to read
  bool held_ = false;                           // waiting for the login throttle
  bool peer_looked_up_ = false;                 // trusted_local_peer() asked the kernel
  // The held check first, then what followed. A list: libstdc++'s deque allocates ~600 bytes
  // as it is constructed, in every session, where a hold is rare.
  std::list<std::vector<std::string>> held_lines_;
  std::unique_ptr<asio::steady_timer> hold_timer_;   // only for sessions that were ever held
};

}  // namespace walnut::server
