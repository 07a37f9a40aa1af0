// Driver socket server and its connections (one reader each: read, parse, reply).
#include "drivers/usbhid/driver_socket.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <utility>

#include "common/log.h"

namespace walnut::usbhid {
namespace dp = driver_protocol;
using local = asio::local::stream_protocol;

namespace {
// NUT reads the socket in small chunks and has no line limit worth copying; a reader that
// sends more than this without a newline is broken and is dropped.
constexpr std::size_t kMaxLineBytes = 64 * 1024;
// A reader that stops reading is dropped once this much output waits for it (NUT drops it
// at the first EAGAIN); upsd reads promptly, so this only catches stuck readers.
constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;
}  // namespace

std::string format_lines(const std::vector<dp::DriverMessage>& messages) {
  std::string text;
  for (const auto& message : messages) {
    text += dp::format(message);
    text += '\n';
  }
  return text;
}

class DriverSocketConnection : public std::enable_shared_from_this<DriverSocketConnection> {
 public:
  DriverSocketConnection(local::socket socket, DriverSocketServer& server)
      : socket_(std::move(socket)), server_(server) {}

  void start() { read_next(); }
  void send(std::string text) {
    if (closed_ || text.empty()) return;
    queued_bytes_ += text.size();
    if (queued_bytes_ > kMaxQueuedBytes) {
      log::warning("driver socket: reader is not reading, disconnecting it");
      close();
      return;
    }
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) write_next();
  }
  void close() {
    if (closed_) return;
    closed_ = true;
    asio::error_code ignored;
    socket_.shutdown(local::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.forget(shared_from_this());
  }
  // Closes once everything queued so far has been written (LOGOUT's goodbye).
  void close_after_flush() {
    close_when_flushed_ = true;
    if (queue_.empty()) close();
  }
  bool broadcast_enabled() const { return broadcast_; }
  void set_broadcast(bool enabled) { broadcast_ = enabled; }

 private:
  void read_next() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, asio::dynamic_buffer(input_, kMaxLineBytes), '\n',
                           [self](const asio::error_code& error, std::size_t length) {
                             self->on_read(error, length);
                           });
  }
  void on_read(const asio::error_code& error, std::size_t length) {
    if (closed_) return;
    if (error) {
      close();
      return;
    }
    std::string line = input_.substr(0, length);
    input_.erase(0, length);
    server_.handle_line(shared_from_this(), line);
    if (!closed_) read_next();
  }
  void write_next() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self](const asio::error_code& error, std::size_t) {
                        if (self->closed_) return;
                        if (error) {
                          self->close();
                          return;
                        }
                        self->queued_bytes_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) {
                          self->write_next();
                        } else if (self->close_when_flushed_) {
                          self->close();
                        }
                      });
  }

  local::socket socket_;
  DriverSocketServer& server_;
  std::string input_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool broadcast_ = true;
  bool closed_ = false;
  bool close_when_flushed_ = false;
};

DriverSocketServer::DriverSocketServer(asio::io_context& io, std::string path, Handlers handlers)
    : path_(std::move(path)), handlers_(std::move(handlers)), acceptor_(io) {}

DriverSocketServer::~DriverSocketServer() { stop(); }

Status DriverSocketServer::listen() {
  ::unlink(path_.c_str());
  asio::error_code error;
  acceptor_.open(local(), error);
  if (!error) {
    const mode_t old_mask = ::umask(0007);
    acceptor_.bind(local::endpoint(path_), error);
    ::umask(old_mask);
  }
  if (!error && ::chmod(path_.c_str(), 0660) != 0) {
    error = asio::error_code(errno, asio::system_category());
  }
  if (!error) acceptor_.listen(16, error);
  if (error) {
    asio::error_code ignored;
    acceptor_.close(ignored);
    return Error{"Can't create socket " + path_ + ": " + error.message()};
  }
  listening_ = true;
  accept_next();
  return Ok{};
}

void DriverSocketServer::accept_next() {
  acceptor_.async_accept([this](const asio::error_code& error, local::socket socket) {
    if (!listening_) return;
    if (!error) {
      auto connection = std::make_shared<DriverSocketConnection>(std::move(socket), *this);
      connections_.insert(connection);
      log::debug(2, "driver socket: new reader ({} connected)", connections_.size());
      connection->start();
    }
    accept_next();
  });
}

void DriverSocketServer::broadcast(const std::vector<dp::DriverMessage>& messages) {
  if (messages.empty()) return;
  const std::string text = format_lines(messages);
  // Copy: a failing send removes the connection from the set.
  auto targets = connections_;
  for (const auto& connection : targets) {
    if (connection->broadcast_enabled()) connection->send(text);
  }
}

void DriverSocketServer::stop() {
  if (listening_) {
    listening_ = false;
    asio::error_code ignored;
    acceptor_.close(ignored);
    ::unlink(path_.c_str());
  }
  auto targets = connections_;
  for (const auto& connection : targets) connection->close();
  connections_.clear();
}

void DriverSocketServer::forget(const std::shared_ptr<DriverSocketConnection>& connection) {
  connections_.erase(connection);
}

namespace {
DriverSocketServer::Reply tracking_reply(std::weak_ptr<DriverSocketConnection> weak,
                                         std::optional<std::string> id);
}  // namespace

void DriverSocketServer::handle_line(const std::shared_ptr<DriverSocketConnection>& connection,
                                     const std::string& line) {
  auto parsed = dp::parse_upsd_line(line);
  if (!parsed) {
    log::debug(1, "driver socket: {}", parsed.error());
    return;
  }
  std::visit(
      [&](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<T, dp::DumpAll>) {
          connection->send(format_lines(dp::dump_all(handlers_.state())));
        } else if constexpr (std::is_same_v<T, dp::DumpValue>) {
          connection->send(format_lines(dp::dump_value(handlers_.state(), message.name)));
        } else if constexpr (std::is_same_v<T, dp::DumpStatus>) {
          connection->send(format_lines(dp::dump_value(handlers_.state(), "ups.status")));
        } else if constexpr (std::is_same_v<T, dp::Ping>) {
          connection->send(format_lines({dp::Pong{}}));
        } else if constexpr (std::is_same_v<T, dp::GetPid>) {
          connection->send(format_lines({dp::Pid{std::to_string(::getpid())}}));
        } else if constexpr (std::is_same_v<T, dp::NoBroadcast>) {
          connection->set_broadcast(false);
        } else if constexpr (std::is_same_v<T, dp::Broadcast>) {
          connection->set_broadcast(message.level >= 1);
        } else if constexpr (std::is_same_v<T, dp::Logout>) {
          connection->send(format_lines({dp::Goodbye{}}));
          connection->close_after_flush();
        } else if constexpr (std::is_same_v<T, dp::InstCmd>) {
          handlers_.instcmd(message, tracking_reply(connection, message.tracking_id));
        } else if constexpr (std::is_same_v<T, dp::Set>) {
          handlers_.set(message, tracking_reply(connection, message.tracking_id));
        }
      },
      *parsed);
}

namespace {
DriverSocketServer::Reply tracking_reply(std::weak_ptr<DriverSocketConnection> weak,
                                         std::optional<std::string> id) {
  return [weak = std::move(weak), id = std::move(id)](int status) {
    if (!id) return;
    if (auto connection = weak.lock()) {
      connection->send(format_lines({dp::TrackingResult{*id, status}}));
    }
  };
}
}  // namespace

}  // namespace walnut::usbhid
