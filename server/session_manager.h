// Owns the set of client sessions (Asio's connection_manager): counts them for MAXCONN,
// closes idle ones, lists logged-in clients, and hands sessions the shared NetContext.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <asio.hpp>

#include "server/client_poller.h"
#include "server/net_commands.h"

namespace walnut::server {

class Session;

class SessionManager {
 public:
  SessionManager(asio::io_context& io, NetContext& context, Stats& stats);

  void start(asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type> socket);
  void stop(const std::shared_ptr<Session>& session);
  // Past MAXCONN: whether a connection already open gave way to the newcomer (the caller then
  // starts it; otherwise it refuses it). One gives way when the newcomer's address holds fewer
  // connections than the address holding the most, or when the newcomer is root or upsd's user
  // on this host (the local upsmon); it is the quietest of that address's connections that is
  // neither logged in (an upsmon session) nor itself such a trusted local peer. So no address
  // keeps the others out by holding every slot, and no local attacker keeps the local upsmon out.
  bool make_room_for(
      asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>& newcomer);
  // Closes every session and stops watching for clients (the server is stopping).
  void stop_all();

  // The session heard a complete line: move it to the back of the idle order.
  void touch(Session& session);
  // Closes sessions that have not completed a line within `idle_limit` (stock: 60 s).
  void close_idle(std::chrono::seconds idle_limit);
  // Sessions quiet for longer than `quiet_after` give their parsing and output buffers back.
  void quiet_down(std::chrono::seconds quiet_after);
  // Closes sessions logged into `ups_name` (the UPS left ups.conf).
  void kick_logins(std::string_view ups_name);

  std::size_t size() const { return busy_.size() + quiet_.size(); }
  NetContext& context() { return context_; }
  asio::io_context& io() { return io_; }
  Stats& stats() { return stats_; }
  // Called whenever a session goes away (the listener resumes accepting under MAXCONN).
  std::function<void()> on_session_closed;

  // Readiness of every session's socket.
  ClientPoller& poller() { return poller_; }

  // Scratch space for reads, shared by every session: they run on one thread.
  std::vector<char>& read_buffer() { return read_buffer_; }

  // Replies held for clients that have not read them, all sessions together: past `bytes` the
  // sessions holding the most are dropped (CLIENT_OUTPUT_LIMIT).
  void set_output_limit(std::size_t bytes) { output_limit_ = bytes; }
  // The session's unread output changed to `bytes` (0 when it stops).
  void account_output(Session& session, std::size_t bytes);
  std::size_t output_held() const { return output_held_; }

  // Most recently connected first.
  void for_each_client(const std::function<void(const ClientState&)>& visit) const;

 private:
  asio::io_context& io_;
  NetContext& context_;
  Stats& stats_;
  ClientPoller poller_;
  // Both ordered by the time each session last completed a line, oldest first: sweeps look
  // only at the fronts, so no timer pass is O(connections).
  std::list<std::shared_ptr<Session>> busy_;
  std::list<std::shared_ptr<Session>> quiet_;
  std::uint64_t next_serial_ = 0;
  std::size_t output_limit_ = 64u << 20;
  std::size_t output_held_ = 0;
  std::unordered_set<Session*> output_holders_;  // sessions with unread output
  std::unordered_map<std::string, std::size_t> per_prefix_;  // open connections per address
  std::vector<char> read_buffer_;
};

}  // namespace walnut::server
