// Listening sockets.
#include "server/listener.h"

#include <sys/socket.h>

#include <fmt/format.h>

#include "common/log.h"
#include "server/log_limiter.h"
#include "server/session.h"

namespace walnut::server {
namespace {

constexpr int kBacklog = 4096;  // the kernel caps it at somaxconn
constexpr auto kFdExhaustionPause = std::chrono::milliseconds(200);

bool is_localhost_name(const std::string& host) {
  return host == "localhost" || host == "localhost6" || host == "127.0.0.1" || host == "::1";
}

bool family_allowed(const asio::ip::address& address, AddressFamilies families) {
  if (families == AddressFamilies::kIpv4Only) return address.is_v4();
  if (families == AddressFamilies::kIpv6Only) return address.is_v6();
  return true;
}

}  // namespace

Listener::Listener(asio::io_context& io, SessionManager& sessions)
    : io_(io), sessions_(sessions), pause_timer_(io) {}

Status Listener::bind_one(const asio::ip::tcp::endpoint& endpoint) {
  auto acceptor = std::make_unique<Acceptor>(Acceptor{asio::ip::tcp::acceptor(io_)});
  asio::error_code error;
  auto& socket = acceptor->acceptor;
  socket.open(endpoint.protocol(), error);
  if (!error) socket.set_option(asio::socket_base::reuse_address(true), error);
  if (!error && endpoint.address().is_v6()) socket.set_option(asio::ip::v6_only(true), error);
  if (!error) socket.bind(endpoint, error);
  if (!error) socket.listen(kBacklog, error);
  if (error) {
    return Error{fmt::format("cannot listen on {} port {}: {}", endpoint.address().to_string(),
                             endpoint.port(), error.message())};
  }
  log::info("listening on {} port {}", endpoint.address().to_string(), endpoint.port());
  acceptors_.push_back(std::move(acceptor));
  return Ok{};
}

Status Listener::bind(const std::vector<config::ListenAddress>& addresses,
                      AddressFamilies families, bool allow_not_all) {
  asio::ip::tcp::resolver resolver(io_);
  std::string fatal;
  for (const auto& address : addresses) {
    std::vector<std::string> hosts{address.address};
    if (address.address == "*") hosts = {"::", "0.0.0.0"};
    bool bound = false;
    std::string why;
    for (const auto& host : hosts) {
      asio::error_code error;
      auto results = resolver.resolve(host, address.port,
                                      asio::ip::tcp::resolver::passive |
                                          asio::ip::tcp::resolver::numeric_service, error);
      if (error) {
        why = fmt::format("cannot resolve {}: {}", host, error.message());
        continue;
      }
      for (const auto& entry : results) {
        if (!family_allowed(entry.endpoint().address(), families)) continue;
        Status status = bind_one(entry.endpoint());
        if (status) {
          bound = true;
          break;  // stock uses the first address a name resolves to
        }
        why = status.error();
      }
      if (bound) break;
    }
    if (bound) continue;
    if (why.empty()) why = fmt::format("no usable address for {}", address.address);
    if (is_localhost_name(address.address)) {
      log::warning("{} (ignored: a localhost alias)", why);
    } else if (fatal.empty()) {
      fatal = why;
    }
  }
  if (acceptors_.empty()) return Error{fatal.empty() ? "no listening interface available" : fatal};
  if (!fatal.empty()) {
    if (!allow_not_all) {
      return Error{fatal + " (ALLOW_NOT_ALL_LISTENERS lets upsd serve on the others)"};
    }
    log::warning("{}: some listening interfaces were not available, but the "
                 "ALLOW_NOT_ALL_LISTENERS setting is active", fatal);
  }
  return Ok{};
}

void Listener::start() {
  for (auto& acceptor : acceptors_) accept(*acceptor);
}

void Listener::stop() {
  stopped_ = true;
  pause_timer_.cancel();
  for (auto& acceptor : acceptors_) {
    asio::error_code ignored;
    acceptor->acceptor.close(ignored);
  }
}

void Listener::accept(Acceptor& acceptor) {
  if (stopped_ || paused_ || acceptor.accepting) return;
  acceptor.accepting = true;
  acceptor.acceptor.async_accept(io_, [this, &acceptor](const asio::error_code& error,
                                                       ClientSocket socket) {
    acceptor.accepting = false;
    if (stopped_ || error == asio::error::operation_aborted) return;
    if (error == asio::error::no_descriptors || error.value() == ENFILE ||
        error == asio::error::no_buffer_space || error == asio::error::no_memory) {
      if (!warned_fd_exhaustion_) {
        // Clients can bring this about (and end it) at will: rate-limited like their lines.
        client_log(log::Priority::kError, "", "", "accept failure",
                   "accept: {}; pausing new connections briefly", error.message());
        warned_fd_exhaustion_ = true;
      }
      return pause_after_fd_exhaustion();
    }
    if (!error) {
      warned_fd_exhaustion_ = false;
      if (max_connections_ != 0 && sessions_.size() >= max_connections_ &&
          !sessions_.make_room_for(socket)) {
        refuse(socket);
      } else {
        warned_max_connections_ = false;
        sessions_.start(std::move(socket));
      }
    }
    accept(acceptor);
  });
}

// Past MAXCONN (when no connection gives way to it, see SessionManager::make_room_for) a
// client is refused at once (accepted and closed, so it sees EOF straight
// away) rather than left waiting in the listen queue as stock upsd leaves it: a refused
// upsc fails fast and upsmon retries on its next poll, instead of hanging until a slot frees.
void Listener::refuse(ClientSocket& socket) {
  if (!warned_max_connections_) {
    asio::error_code unknown;
    const auto peer = socket.remote_endpoint(unknown);
    client_log(log::Priority::kNotice, unknown ? "" : peer.address().to_string(), "",
               "MAXCONN reached", "MAXCONN ({}) reached: refusing new connections",
               max_connections_);
    warned_max_connections_ = true;
  }
  asio::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Listener::pause_after_fd_exhaustion() {
  if (paused_) return;
  paused_ = true;
  pause_timer_.expires_after(kFdExhaustionPause);
  pause_timer_.async_wait([this](const asio::error_code& error) {
    paused_ = false;
    if (error || stopped_) return;
    for (auto& acceptor : acceptors_) accept(*acceptor);
  });
}

void Listener::on_session_closed() {
  if (stopped_ || paused_) return;
  for (auto& acceptor : acceptors_) {
    if (!acceptor->accepting) accept(*acceptor);
  }
}

std::vector<asio::ip::tcp::endpoint> Listener::local_endpoints() const {
  std::vector<asio::ip::tcp::endpoint> out;
  for (const auto& acceptor : acceptors_) {
    asio::error_code ignored;
    out.push_back(acceptor->acceptor.local_endpoint(ignored));
  }
  return out;
}

}  // namespace walnut::server
