#include "metrics/nut_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "common/tokenizer.h"
#include "metrics/nut_reply.h"

namespace walnut::metrics {
namespace {

using Clock = std::chrono::steady_clock;

// A LIST reply line of upsd is at most 512 bytes; anything this long is not a NUT server.
constexpr std::size_t kMaxLineLength = 64 * 1024;
// Far more items than any UPS has variables; bounds memory against a hostile peer.
constexpr std::size_t kMaxListItems = 100000;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

Result<int> connect_one(const addrinfo& ai, Clock::time_point deadline) {
  const int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai.ai_protocol);
  if (fd < 0) return Error{std::strerror(errno)};
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) != 0 && errno != EINPROGRESS) {
    const int error = errno;
    ::close(fd);
    return Error{std::strerror(error)};
  }
  if (!wait_for(fd, POLLOUT, deadline)) {
    ::close(fd);
    return Error{"connection timed out"};
  }
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) {
    ::close(fd);
    return Error{std::strerror(error)};
  }
  return fd;
}

Result<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return Error{fmt::format("invalid port \"{}\"", text)};
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<ServerAddress> parse_server_address(std::string_view text) {
  ServerAddress address;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return Error{fmt::format("missing ] in \"{}\"", text)};
    address.host = std::string(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return Error{fmt::format("unexpected text after ] in \"{}\"", text)};
      port = rest.substr(1);
      if (port.empty()) return Error{fmt::format("missing port in \"{}\"", text)};
    }
  } else if (text.find(':') != text.rfind(':')) {
    address.host = std::string(text);  // a bare IPv6 address: no port possible without brackets
  } else if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    address.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (port.empty()) return Error{fmt::format("missing port in \"{}\"", text)};
  } else {
    address.host = std::string(text);
  }
  if (address.host.empty()) return Error{fmt::format("missing host in \"{}\"", text)};
  if (!port.empty()) {
    auto number = parse_port(port);
    if (!number) return Error{number.error()};
    address.port = *number;
  }
  return address;
}

Result<NutClient> NutClient::connect(const ServerAddress& server, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(server.port);
  if (const int rc = ::getaddrinfo(server.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error{fmt::format("{}: {}", server.host, ::gai_strerror(rc))};
  }
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    auto fd = connect_one(*ai, deadline);
    if (fd) {
      ::freeaddrinfo(found);
      return NutClient(*fd, timeout);
    }
    last_error = fd.error();
  }
  ::freeaddrinfo(found);
  return Error{fmt::format("cannot connect to {} port {}: {}", server.host, server.port, last_error)};
}

NutClient::NutClient(NutClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), timeout_(other.timeout_), buffer_(std::move(other.buffer_)) {}

NutClient& NutClient::operator=(NutClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

NutClient::~NutClient() { close(); }

void NutClient::close() {
  if (fd_ < 0) return;
  // LOGOUT is a courtesy so upsd does not log a dropped connection; its reply is not awaited.
  (void)::send(fd_, "LOGOUT\n", 7, MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd_);
  fd_ = -1;
}

Status NutClient::send_line(const std::string& line, Clock::time_point deadline) {
  const std::string data = line + "\n";
  std::size_t sent = 0;
  while (sent < data.size()) {
    if (!wait_for(fd_, POLLOUT, deadline)) return Error{"timed out sending a request"};
    const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Error{fmt::format("send failed: {}", std::strerror(errno))};
    sent += static_cast<std::size_t>(n);
  }
  return Ok{};
}

Result<std::string> NutClient::read_line(Clock::time_point deadline) {
  while (true) {
    if (const std::size_t lf = buffer_.find('\n'); lf != std::string::npos) {
      std::string line = buffer_.substr(0, lf);
      buffer_.erase(0, lf + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > kMaxLineLength) return Error{"reply line too long"};
    if (!wait_for(fd_, POLLIN, deadline)) return Error{"timed out waiting for the server's reply"};
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return Error{fmt::format("receive failed: {}", std::strerror(errno))};
    if (n == 0) return Error{"the server closed the connection"};
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Result<std::vector<std::vector<std::string>>> NutClient::list(const std::vector<std::string>& query) {
  if (fd_ < 0) return Error{"not connected"};
  auto items = exchange_list(query);
  // After a timeout or a reply out of step, later replies could be mistaken for this one's.
  if (!items && !last_reply_was_err_) close();
  return items;
}

Result<std::vector<std::vector<std::string>>> NutClient::exchange_list(
    const std::vector<std::string>& query) {
  last_reply_was_err_ = false;
  const auto deadline = Clock::now() + timeout_;
  std::vector<std::string> request{"LIST"};
  for (const auto& word : query) request.push_back(quote_word_if_needed(word));
  std::string line;
  for (std::size_t i = 0; i < request.size(); ++i) line += (i ? " " : "") + request[i];
  if (auto sent = send_line(line, deadline); !sent) return Error{sent.error()};
  ListReplyParser parser(query);
  while (parser.state() == ListReplyParser::State::kNeedMore) {
    auto reply = read_line(deadline);
    if (!reply) return Error{reply.error()};
    parser.feed_line(*reply);
    if (parser.items().size() > kMaxListItems) return Error{"too many items in LIST reply"};
  }
  if (parser.state() == ListReplyParser::State::kError) {
    last_reply_was_err_ = parser.server_refused();
    return Error{parser.error()};
  }
  return parser.items();
}

Result<std::vector<std::pair<std::string, std::string>>> NutClient::list_ups() {
  auto items = list({"UPS"});
  if (!items) return Error{items.error()};
  std::vector<std::pair<std::string, std::string>> upses;
  for (auto& item : *items) {
    if (item.size() < 2) return Error{"malformed UPS line in LIST UPS reply"};
    upses.emplace_back(std::move(item[0]), std::move(item[1]));
  }
  return upses;
}

Result<std::map<std::string, std::string>> NutClient::list_var(const std::string& ups) {
  auto items = list({"VAR", ups});
  if (!items) return Error{items.error()};
  std::map<std::string, std::string> variables;
  for (auto& item : *items) {
    if (item.size() < 2) return Error{"malformed VAR line in LIST VAR reply"};
    variables[std::move(item[0])] = std::move(item[1]);
  }
  return variables;
}

}  // namespace walnut::metrics
