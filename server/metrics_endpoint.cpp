#include "server/metrics_endpoint.h"

#include <array>

#include <fmt/format.h>

#include "common/log.h"
#include "metrics/http_request.h"
#include "server/client_prefix.h"

namespace walnut::server {

// One scrape: read the request head, write the response, close. Owned by the endpoint's set
// while open; handlers hold a shared_ptr so the object outlives its pending operations.
class MetricsEndpoint::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(MetricsEndpoint& endpoint, asio::ip::tcp::socket socket, std::string prefix,
             std::uint64_t serial)
      : endpoint_(endpoint),
        socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        parser_(endpoint.limits_.max_request_head),
        prefix_(std::move(prefix)),
        serial_(serial) {}

  void start() {
    // A short deadline for the head: a scraper sends it at once; an idle connection is gone
    // soon. Answering gets the rest of request_timeout.
    arm_deadline(std::min(endpoint_.limits_.header_timeout, endpoint_.limits_.request_timeout));
    read();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    asio::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    auto count = endpoint_.per_address_.find(prefix_);
    if (count != endpoint_.per_address_.end() && --count->second == 0) {
      endpoint_.per_address_.erase(count);
    }
    endpoint_.connections_.erase(shared_from_this());
  }

  bool waiting_for_head() const { return !responding_; }
  const std::string& prefix() const { return prefix_; }
  std::uint64_t serial() const { return serial_; }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](
                                                       const asio::error_code& error, std::size_t n) {
      if (self->closed_) return;
      if (error) return self->close();
      self->parser_.feed(std::string_view(self->buffer_.data(), n));
      if (self->parser_.state() == metrics::HttpRequestParser::State::kNeedMore) return self->read();
      self->respond();
    });
  }

  void arm_deadline(std::chrono::milliseconds after) {
    deadline_.expires_after(after);
    deadline_.async_wait([self = shared_from_this()](const asio::error_code& error) {
      if (!error) self->close();
    });
  }

  void respond() {
    responding_ = true;
    const auto left = endpoint_.limits_.request_timeout -
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started_);
    arm_deadline(std::max(left, std::chrono::milliseconds(1)));
    response_ = metrics::respond(parser_, endpoint_.render_);
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](const asio::error_code&, std::size_t) { self->close(); });
  }

  MetricsEndpoint& endpoint_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer deadline_;
  metrics::HttpRequestParser parser_;
  std::array<char, 2048> buffer_{};
  std::string response_;
  std::string prefix_;
  std::uint64_t serial_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool responding_ = false;
  bool closed_ = false;
};

MetricsEndpoint::MetricsEndpoint(asio::io_context& io, std::function<std::string()> render)
    : MetricsEndpoint(io, std::move(render), Limits{}) {}

MetricsEndpoint::MetricsEndpoint(asio::io_context& io, std::function<std::string()> render, Limits limits)
    : io_(io), render_(std::move(render)), limits_(limits), bind_retry_(io) {}

MetricsEndpoint::~MetricsEndpoint() { stop(); }

Status MetricsEndpoint::bind_endpoint(const asio::ip::tcp::endpoint& endpoint) {
  auto acceptor = std::make_unique<Acceptor>(io_);
  auto& socket = acceptor->socket;
  asio::error_code error;
  socket.open(endpoint.protocol(), error);
  if (!error) socket.set_option(asio::socket_base::reuse_address(true), error);
  // "::" must not also take the IPv4 port, so "*" can bind 0.0.0.0 beside it.
  if (!error && endpoint.address().is_v6()) socket.set_option(asio::ip::v6_only(true), error);
  if (!error) socket.bind(endpoint, error);
  if (!error) socket.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Error{fmt::format("metrics: cannot listen on {} port {}: {}", endpoint.address().to_string(),
                             endpoint.port(), error.message())};
  }
  const auto local = socket.local_endpoint(error);
  log::info("metrics: serving GET /metrics on {} port {}", local.address().to_string(), local.port());
  acceptors_.push_back(std::move(acceptor));
  return Ok{};
}

Status MetricsEndpoint::bind(const std::string& host, const std::string& port) {
  const std::vector<std::string> hosts =
      host == "*" ? std::vector<std::string>{"::", "0.0.0.0"} : std::vector<std::string>{host};
  asio::ip::tcp::resolver resolver(io_);
  const std::size_t already = acceptors_.size();
  for (const auto& name : hosts) {
    asio::error_code error;
    const auto results = resolver.resolve(
        name, port, asio::ip::tcp::resolver::passive | asio::ip::tcp::resolver::numeric_service, error);
    Status bound = error || results.empty()
                       ? Status(Error{fmt::format("metrics: cannot resolve {} port {}: {}", name, port,
                                                  error ? error.message() : "no address")})
                       : bind_endpoint(results.begin()->endpoint());
    if (!bound) {
      // All or nothing: "*" does not stay half bound, so a retry starts from scratch.
      acceptors_.resize(already);
      return bound;
    }
  }
  return Ok{};
}

void MetricsEndpoint::bind_or_retry(const std::string& host, const std::string& port,
                                    std::chrono::milliseconds retry) {
  Status bound = bind(host, port);
  if (bound) return;
  log::error("{}; serving NUT without it, trying again every {} s", bound.error(),
             std::chrono::duration_cast<std::chrono::seconds>(retry).count());
  bind_pending_ = true;
  bind_failures_ = 1;
  retry_bind(host, port, retry);
}

void MetricsEndpoint::retry_bind(std::string host, std::string port, std::chrono::milliseconds retry) {
  bind_retry_.expires_after(retry);
  bind_retry_.async_wait([this, host = std::move(host), port = std::move(port), retry](const asio::error_code& e) {
    if (e || stopped_) return;
    const std::size_t before = acceptors_.size();
    if (Status bound = bind(host, port); !bound) {
      ++bind_failures_;
      log::debug(1, "{} (attempt {})", bound.error(), bind_failures_);
      return retry_bind(host, port, retry);
    }
    log::notice("metrics: listening on {} port {} after {} failed attempts", host, port, bind_failures_);
    bind_pending_ = false;
    if (started_) {
      for (std::size_t i = before; i < acceptors_.size(); ++i) accept(*acceptors_[i]);
    }
  });
}

void MetricsEndpoint::start() {
  started_ = true;
  for (auto& acceptor : acceptors_) accept(*acceptor);
}

void MetricsEndpoint::accept(Acceptor& acceptor) {
  acceptor.socket.async_accept([this, &acceptor](const asio::error_code& error, asio::ip::tcp::socket socket) {
    // Checked before touching `this`: after stop() or destruction only this error arrives.
    if (error == asio::error::operation_aborted || stopped_) return;
    if (error) {
      // Out of file descriptors and the like: upsd's own clients matter more. Try again
      // shortly rather than spinning on the error.
      log::warning("metrics: accept failed: {}", error.message());
      acceptor.retry.expires_after(std::chrono::milliseconds(500));
      acceptor.retry.async_wait([this, &acceptor](const asio::error_code& e) {
        if (!e && !stopped_) accept(acceptor);
      });
      return;
    }
    admit(std::move(socket));
    accept(acceptor);
  });
}

void MetricsEndpoint::admit(asio::ip::tcp::socket socket) {
  asio::error_code error;
  const auto peer = socket.remote_endpoint(error);
  std::string prefix = error ? std::string("unknown") : client_prefix(peer.address().to_string());
  // Room is made by dropping the oldest connection that has not even sent its request (of
  // this address when it is at its cap, else of any): a scrape sends its head at once, so idle
  // connections give way to it instead of keeping it out.
  const auto open = per_address_.find(prefix);
  const bool address_full = open != per_address_.end() && open->second >= limits_.max_per_address;
  if (address_full || connections_.size() >= limits_.max_connections) {
    std::shared_ptr<Connection> oldest;
    for (const auto& connection : connections_) {
      if (!connection->waiting_for_head() || (address_full && connection->prefix() != prefix)) {
        continue;
      }
      if (!oldest || connection->serial() < oldest->serial()) oldest = connection;
    }
    if (!oldest) {  // every slot is busy answering: this one waits for none
      asio::error_code ignored;
      socket.close(ignored);
      return;
    }
    oldest->close();
  }
  ++per_address_[prefix];
  auto connection = std::make_shared<Connection>(*this, std::move(socket), std::move(prefix),
                                                 next_serial_++);
  connections_.insert(connection);
  connection->start();
}

void MetricsEndpoint::stop() {
  stopped_ = true;
  bind_retry_.cancel();
  for (auto& acceptor : acceptors_) {
    asio::error_code ignored;
    acceptor->socket.close(ignored);
    acceptor->retry.cancel();
  }
  auto open = connections_;  // close() erases from the set
  for (const auto& connection : open) connection->close();
}

std::vector<asio::ip::tcp::endpoint> MetricsEndpoint::local_endpoints() const {
  std::vector<asio::ip::tcp::endpoint> endpoints;
  for (const auto& acceptor : acceptors_) {
    asio::error_code error;
    auto endpoint = acceptor->socket.local_endpoint(error);
    if (!error) endpoints.push_back(endpoint);
  }
  return endpoints;
}

}  // namespace walnut::server
