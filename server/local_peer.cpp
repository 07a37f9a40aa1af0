// Owner of a connection's client end, from the kernel's socket table (sock_diag).
#include "server/local_peer.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace walnut::server {
namespace {

constexpr std::size_t kRequestSize = NLMSG_LENGTH(sizeof(inet_diag_req_v2));

bool fill_endpoint(const sockaddr_storage& address, std::uint16_t& port_be, __be32 (&words)[4]) {
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    port_be = in.sin_port;
    std::memcpy(&words[0], &in.sin_addr, sizeof(in.sin_addr));
    return true;
  }
  if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    port_be = in6.sin6_port;
    std::memcpy(words, &in6.sin6_addr, sizeof(in6.sin6_addr));
    return true;
  }
  return false;
}

// ::ffff:a.b.c.d:port -> a.b.c.d:port; false when `address` is not IPv4-mapped IPv6.
bool unmap_v4(const sockaddr_storage& address, sockaddr_storage& v4) {
  if (address.ss_family != AF_INET6) return false;
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
  if (!IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) return false;
  v4 = {};
  auto& in = reinterpret_cast<sockaddr_in&>(v4);
  in.sin_family = AF_INET;
  in.sin_port = in6.sin6_port;
  std::memcpy(&in.sin_addr, &in6.sin6_addr.s6_addr[12], sizeof(in.sin_addr));
  return true;
}

std::optional<uid_t> ask_kernel(const sockaddr_storage& client, const sockaddr_storage& server) {
  static std::uint32_t seq = 0;
  const std::vector<std::uint8_t> request = sock_diag_request(client, server, ++seq);
  if (request.empty()) return std::nullopt;
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return std::nullopt;  // e.g. RestrictAddressFamilies without AF_NETLINK
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  std::optional<uid_t> owner;
  if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof(kernel)) == static_cast<ssize_t>(request.size())) {
    // The kernel answers an exact lookup while handling sendto: the reply is already queued,
    // so the event loop never waits here.
    std::uint8_t reply[1024];
    const ssize_t got = ::recv(fd, reply, sizeof(reply), MSG_DONTWAIT);
    if (got > 0) owner = sock_diag_owner({reply, static_cast<std::size_t>(got)}, seq);
  }
  ::close(fd);
  return owner;
}

}  // namespace

std::vector<std::uint8_t> sock_diag_request(const sockaddr_storage& client,
                                            const sockaddr_storage& server, std::uint32_t seq) {
  if (client.ss_family != server.ss_family) return {};
  inet_diag_req_v2 body{};
  body.sdiag_family = static_cast<std::uint8_t>(client.ss_family);
  body.sdiag_protocol = IPPROTO_TCP;
  body.idiag_states = ~0U;
  if (!fill_endpoint(client, body.id.idiag_sport, body.id.idiag_src) ||
      !fill_endpoint(server, body.id.idiag_dport, body.id.idiag_dst)) {
    return {};
  }
  body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  nlmsghdr header{};
  header.nlmsg_len = kRequestSize;
  header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  header.nlmsg_flags = NLM_F_REQUEST;  // no NLM_F_DUMP: one exact socket
  header.nlmsg_seq = seq;
  std::vector<std::uint8_t> bytes(kRequestSize);
  std::memcpy(bytes.data(), &header, sizeof(header));
  std::memcpy(bytes.data() + NLMSG_HDRLEN, &body, sizeof(body));
  return bytes;
}

std::optional<uid_t> sock_diag_owner(std::span<const std::uint8_t> reply, std::uint32_t seq) {
  if (reply.size() < sizeof(nlmsghdr)) return std::nullopt;
  nlmsghdr header;
  std::memcpy(&header, reply.data(), sizeof(header));
  if (header.nlmsg_len < sizeof(header) || header.nlmsg_len > reply.size() ||
      header.nlmsg_seq != seq || header.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
      header.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) {
    return std::nullopt;  // NLMSG_ERROR (ENOENT: not a socket of this host), or not ours
  }
  inet_diag_msg message;
  std::memcpy(&message, reply.data() + NLMSG_HDRLEN, sizeof(message));
  // A socket no open file holds any more (closed by its process: orphaned, or a time-wait
  // mini socket, which the kernel reports as uid 0) has no owner to speak of. Without this, a
  // client that sends a guess and closes at once would pass for root.
  if (message.idiag_inode == 0) return std::nullopt;
  return static_cast<uid_t>(message.idiag_uid);
}

std::optional<uid_t> local_peer_uid(int fd) {
  sockaddr_storage server{};
  sockaddr_storage client{};
  socklen_t server_size = sizeof(server);
  socklen_t client_size = sizeof(client);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&server), &server_size) != 0 ||
      ::getpeername(fd, reinterpret_cast<sockaddr*>(&client), &client_size) != 0) {
    return std::nullopt;
  }
  sockaddr_storage client_v4{};
  sockaddr_storage server_v4{};
  if (unmap_v4(client, client_v4) && unmap_v4(server, server_v4)) {
    // Usually an AF_INET client; an AF_INET6 one that dialled ::ffff:a.b.c.d is found below.
    if (auto owner = ask_kernel(client_v4, server_v4)) return owner;
  }
  return ask_kernel(client, server);
}

bool peer_can_read_secrets(uid_t peer) { return peer == 0 || peer == ::geteuid(); }

}  // namespace walnut::server
