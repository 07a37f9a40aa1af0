// Client session.
#include "server/session.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/log.h"
#include "server/session_manager.h"

namespace walnut::server {
namespace {

// Replies a client has not read yet; past this it is dropped rather than buffered.
constexpr std::size_t kMaxPendingOutput = 1024 * 1024;
// A client that sends again within this interval keeps its parsing buffers between requests.
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
    : manager_(manager),
      serial_(serial),
      stream_(
          client_,
          [this](const std::vector<std::string>& words, std::string& reply) {
            handle_line(words, reply);
          },
          [this] { return !output_backed_up(); }),
      last_heard_(Clock::now()) {
  client_.connection = serial;
  client_.address = peer_address(socket);
  client_.tls_offered = tls_policy().context != nullptr;
  client_.credentials_need_tls = tls_policy().force_ssl;
  asio::error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket.non_blocking(true, ignored);
  // From here on the client poller, not Asio, watches the socket (see client_poller.h).
  fd_ = socket.release(ignored);
}

Session::~Session() {
  if (fd_ >= 0) ::close(fd_);
}

void Session::start() {
  log::debug(2, "Connect from {}", client_.address);
  if (Status added = manager_.poller().add(fd_, shared_from_this()); !added) {
    log::warning("Client {}: {}", client_.address, added.error());
    manager_.stop(shared_from_this());
  }
}

void Session::stop() {
  if (stopped_) return;
  stopped_ = true;
  manager_.poller().remove(fd_);
  ::close(fd_);
  fd_ = -1;
  if (client_.login_ups) {
    if (Ups* ups = manager_.context().registry.find(*client_.login_ups)) --ups->numlogins;
  }
  log::debug(2, "Disconnect {}", client_.address);
}

void Session::on_ready(std::uint32_t events) {
  if (stopped_) return;
  if (events & EPOLLOUT) on_writable();
  if (stopped_) return;
  if (closing_) {
    // Only the last replies are still going out: nothing more is read.
    if (events & (EPOLLHUP | EPOLLERR)) manager_.stop(shared_from_this());
    return;
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable();
}

// One non-blocking read into the manager's shared buffer (a few KiB) per wake: the poller is
// level-triggered, so whatever is left is reported again after the other ready clients.
void Session::on_readable() {
  auto& buffer = manager_.read_buffer();
  const ssize_t count = ::recv(fd_, buffer.data(), buffer.size(), 0);
  if (count < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return manager_.stop(shared_from_this());
  }
  if (count == 0) return manager_.stop(shared_from_this());
  // One clock reading per wake serves every line in it.
  const auto previous_wake = last_wake_;
  last_wake_ = Clock::now();
  if (!process(buffer.data(), static_cast<std::size_t>(count))) return;
  // A client that asks once in a while gives back what this request needed; a poller (one that
  // talks again soon) keeps its tokenizer's buffers.
  if (last_wake_ - previous_wake >= kChattyInterval) release_memory();
}

void Session::go_quiet() {
  if (!stopped_) release_memory();
}

void Session::release_memory() {
  stream_.release_memory();
  if (!write_in_flight_) std::string().swap(pending_);
}

bool Session::process(const char* data, std::size_t size) {
  const bool keep_open = stream_.feed(data, size, pending_);
  if (stopped_) return false;
  flush();
  if (stopped_) return false;
  if (!keep_open) {
    closing_ = true;
    if (!write_in_flight_) {
      manager_.stop(shared_from_this());
    } else if (!manager_.poller().watch(fd_, false, true)) {
      manager_.stop(shared_from_this());  // nothing more is read: only the replies go out
    }
    return false;
  }
  return true;
}

bool Session::output_backed_up() const {
  return pending_.size() + writing_.size() + stream_.unsealed() > kMaxPendingOutput;
}

void Session::handle_line(const std::vector<std::string>& words, std::string& reply) {
  last_heard_ = last_wake_;
  manager_.touch(*this);
  auto& context = manager_.context();
  context.now = last_heard_;
  dispatch_net_command(words, client_, context, reply);
}

void Session::flush() {
  if (output_backed_up()) {
    log::warning("Client {} does not read its replies: disconnecting", client_.address);
    ++manager_.stats().clients_dropped_slow;
    return manager_.stop(shared_from_this());
  }
  if (write_in_flight_ || pending_.empty()) return;
  // Fast path: most replies fit the socket buffer and go out in one send() right away.
  const ssize_t sent = ::send(fd_, pending_.data(), pending_.size(), MSG_NOSIGNAL);
  if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    return manager_.stop(shared_from_this());
  }
  const std::size_t written = sent < 0 ? 0 : static_cast<std::size_t>(sent);
  if (written == pending_.size()) return release_if_large(pending_);
  writing_.assign(pending_, written);
  written_ = 0;
  release_if_large(pending_);
  write_in_flight_ = true;
  if (!manager_.poller().watch(fd_, !closing_, true)) return manager_.stop(shared_from_this());
}

// The socket has room again: send what is left, then whatever queued up meanwhile.
void Session::on_writable() {
  if (!write_in_flight_) return;
  while (written_ < writing_.size()) {
    const ssize_t sent =
        ::send(fd_, writing_.data() + written_, writing_.size() - written_, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return manager_.stop(shared_from_this());
    }
    written_ += static_cast<std::size_t>(sent);
  }
  write_in_flight_ = false;
  release_if_large(writing_);
  written_ = 0;
  flush();  // what queued up meanwhile; a partial send keeps the socket watched for output
  if (stopped_ || write_in_flight_) return;
  if (closing_) return manager_.stop(shared_from_this());
  if (!manager_.poller().watch(fd_, true, false)) manager_.stop(shared_from_this());
}

}  // namespace walnut::server
