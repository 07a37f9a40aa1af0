// Client session.
#include "server/session.h"

#include "common/log.h"
#include "server/session_manager.h"

namespace walnut::server {
namespace {

// Replies a client has not read yet; past this it is dropped rather than buffered.
constexpr std::size_t kMaxPendingOutput = 1024 * 1024;
// A quiet client that sends again within this interval becomes busy (gets a read buffer).
constexpr auto kChattyInterval = std::chrono::milliseconds(500);
// Buffers larger than this are released once written, so idle sessions stay small.
constexpr std::size_t kKeepCapacity = 2048;

std::string peer_address(const ClientSocket& socket) {
  asio::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  if (error) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

void release_if_large(std::string& buffer) {
  buffer.clear();
  if (buffer.capacity() > kKeepCapacity) std::string().swap(buffer);
}

}  // namespace

Session::Session(ClientSocket socket, SessionManager& manager, std::uint64_t serial)
    : socket_(std::move(socket)), manager_(manager), serial_(serial),
      last_heard_(Clock::now()) {
  client_.address = peer_address(socket_);
  client_.tls_offered = tls_policy().context != nullptr;
  client_.credentials_need_tls = tls_policy().force_ssl;
}

void Session::start() {
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
  log::debug(2, "Connect from {}", client_.address);
  // Many connections never say much (monitoring systems, idle upsmon between polls): start
  // quiet, and take a read buffer only once the client talks.
  wait_readable();
}

void Session::stop() {
  if (stopped_) return;
  stopped_ = true;
  asio::error_code ignored;
  socket_.close(ignored);
  busy_buffer_.reset();
  if (client_.login_ups) {
    if (Ups* ups = manager_.context().registry.find(*client_.login_ups)) --ups->numlogins;
  }
  log::debug(2, "Disconnect {}", client_.address);
}

// Asio completes a read started right after the previous one without any extra system call
// (no re-arming of epoll), unlike a wait: this is the fast path for busy clients.
void Session::read_busy() {
  if (!busy_buffer_) busy_buffer_ = std::make_unique<std::array<char, 512>>();
  socket_.async_read_some(
      asio::buffer(*busy_buffer_),
      [self = shared_from_this()](const asio::error_code& error, std::size_t count) {
        if (self->stopped_) return;
        if (error == asio::error::operation_aborted && self->quiet_requested_) {
          self->quiet_requested_ = false;
          self->busy_buffer_.reset();
          return self->wait_readable();
        }
        if (error) return self->manager_.stop(self);
        if (!self->process(self->busy_buffer_->data(), count)) return;
        if (self->quiet_requested_) {
          self->quiet_requested_ = false;
          self->busy_buffer_.reset();
          return self->wait_readable();
        }
        self->read_busy();
      });
}

void Session::go_quiet() {
  if (stopped_ || !busy_buffer_ || write_in_flight_ || quiet_requested_) return;
  quiet_requested_ = true;
  asio::error_code ignored;
  socket_.cancel(ignored);
}

void Session::wait_readable() {
  socket_.async_wait(ClientSocket::wait_read,
                     [self = shared_from_this()](const asio::error_code& error) {
                       if (self->stopped_) return;
                       if (error) return self->manager_.stop(self);
                       self->on_readable();
                     });
}

// A quiet session woke up: read with the shared buffer, then become busy again.
void Session::on_readable() {
  auto& buffer = manager_.read_buffer();
  asio::error_code error;
  const std::size_t count = socket_.read_some(asio::buffer(buffer), error);
  if (error == asio::error::would_block || error == asio::error::try_again) {
    return wait_readable();
  }
  if (error) return manager_.stop(shared_from_this());
  if (!process(buffer.data(), count)) return;
  // Only a client that talks again soon (a poller, a benchmark) earns a read buffer; one that
  // asks once in a while stays quiet and gives back what this request needed.
  const auto now = Clock::now();
  const bool chatty = now - last_wake_ < kChattyInterval;
  last_wake_ = now;
  if (chatty) return read_busy();
  reader_.release_memory();
  if (!write_in_flight_) std::string().swap(pending_);
  wait_readable();
}

bool Session::process(const char* data, std::size_t size) {
  const bool keep_open = tls_ ? consume_tls(data, size) : consume(data, size);
  if (stopped_) return false;
  if (client_.start_tls_after_reply) begin_tls();
  flush();
  if (stopped_) return false;
  if (!keep_open) {
    closing_ = true;
    if (!write_in_flight_) manager_.stop(shared_from_this());
    return false;
  }
  return true;
}

bool Session::consume(const char* data, std::size_t size) {
  const auto outcome = reader_.feed(
      data, size,
      [this](const std::vector<std::string>& words) {
        handle_line(words);
        // Stop parsing a client that already owes itself too many unread replies: flush()
        // drops it, and memory never holds more than one read's worth beyond the bound.
        return !client_.close_after_reply && !client_.start_tls_after_reply &&
               !output_backed_up();
      },
      [](std::string_view message) { log::notice("Parse error on sock: {}", message); },
      [this] {
        log::notice("Client {} sent a line ending inside a quote", client_.address);
        reply_buffer() += net_error_line(NetError::kInvalidArgument);
      });
  if (outcome == RequestReader::Outcome::kTooLong) {
    log::notice("Client {} sent a line longer than {} bytes: disconnecting", client_.address,
                RequestReader::kMaxLineBytes);
    reply_buffer() += net_error_line(NetError::kTooLong);
  }
  // STARTTLS stops parsing: whatever follows its line belongs to the handshake.
  return outcome == RequestReader::Outcome::kContinue ||
         (outcome == RequestReader::Outcome::kStop && client_.start_tls_after_reply &&
          !client_.close_after_reply);
}

bool Session::output_backed_up() const {
  return pending_.size() + writing_.size() + tls_plain_out_.size() > kMaxPendingOutput;
}

void Session::handle_line(const std::vector<std::string>& words) {
  last_heard_ = Clock::now();
  manager_.touch(*this);
  auto& context = manager_.context();
  context.now = last_heard_;
  dispatch_net_command(words, client_, context, reply_buffer());
}

// "OK STARTTLS" is already in pending_ as plain text; everything after it is TLS.
void Session::begin_tls() {
  client_.start_tls_after_reply = false;
  const auto& context = tls_policy().context;
  if (!context) return;
  tls_ = std::make_unique<TlsEngine>(*context);
  client_.tls = true;
}

bool Session::consume_tls(const char* data, std::size_t size) {
  std::string plain;
  const bool handshaking = !tls_->handshake_done();
  if (Status status = tls_->receive(data, size, plain, pending_); !status) {
    log::notice("TLS with {} failed: {}", client_.address, status.error());
    return false;  // pending_ may hold the alert, sent before closing
  }
  if (handshaking && tls_->handshake_done()) {
    const std::string subject = tls_->peer_subject();
    log::debug(2, "TLS with {} established{}{}", client_.address,
               subject.empty() ? "" : ", client certificate ", subject);
  }
  const bool keep_open = plain.empty() || consume(plain.data(), plain.size());
  if (Status status = tls_->send(tls_plain_out_, pending_); !status) {
    log::notice("TLS with {} failed: {}", client_.address, status.error());
    return false;
  }
  return keep_open;
}

void Session::flush() {
  if (output_backed_up()) {
    log::warning("Client {} does not read its replies: disconnecting", client_.address);
    ++manager_.stats().clients_dropped_slow;
    return manager_.stop(shared_from_this());
  }
  if (write_in_flight_ || pending_.empty()) return;
  // Fast path: most replies fit the socket buffer and go out in one write() right away.
  asio::error_code error;
  const std::size_t written = socket_.write_some(asio::buffer(pending_), error);
  if (error && error != asio::error::would_block && error != asio::error::try_again) {
    return manager_.stop(shared_from_this());
  }
  if (written == pending_.size()) return release_if_large(pending_);
  writing_.assign(pending_, written);
  release_if_large(pending_);
  write_in_flight_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const asio::error_code& e, std::size_t) {
                      self->on_written(e);
                    });
}

void Session::on_written(const asio::error_code& error) {
  write_in_flight_ = false;
  release_if_large(writing_);
  if (stopped_) return;
  if (error) return manager_.stop(shared_from_this());
  if (!pending_.empty()) flush();
  if (!stopped_ && closing_ && !write_in_flight_) manager_.stop(shared_from_this());
}

}  // namespace walnut::server
