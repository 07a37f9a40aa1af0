// Who owns the client end of a TCP connection, when that end is on this host.
//
// Why: the login throttle (auth_throttle.h) cannot tell the local upsmon from a local attacker
// by address or user name. The kernel can: its socket table (NETLINK_SOCK_DIAG, what ss(8)
// reads) names the uid that created each socket of this network namespace. A client whose
// socket is found there connects from this host (loopback or one of the host's own addresses).
// If that uid is root or upsd's own user, the client can read upsd.users itself (root:nut
// 0640), so slowing its guesses protects nothing, and not slowing it keeps an attacker from
// queueing the local upsmon out.
//
// The request and reply formats are pure functions (tested on bytes); local_peer_uid() is the
// thin I/O shell: one non-blocking netlink exchange, answered by the kernel synchronously.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace walnut::server {

// The SOCK_DIAG_BY_FAMILY request for the TCP socket whose own end is `client` and whose peer is
// `server` (both AF_INET, or both AF_INET6). Empty for any other family.
std::vector<std::uint8_t> sock_diag_request(const sockaddr_storage& client,
                                            const sockaddr_storage& server, std::uint32_t seq);

// The socket owner's uid from the kernel's reply to request `seq`; nullopt when the reply says
// there is no such socket (ENOENT: the client is on another host), when no open file holds the
// socket any more (its uid would not be its owner's), or when it is not a reply to `seq`.
std::optional<uid_t> sock_diag_owner(std::span<const std::uint8_t> reply, std::uint32_t seq);

// The uid owning the other end of connected TCP socket `fd`, if that end is on this host.
// An IPv4 client seen through an IPv6 listener (::ffff:a.b.c.d) is looked up as IPv4.
std::optional<uid_t> local_peer_uid(int fd);

// True when the uid can read upsd's secrets anyway: root, or the user upsd runs as.
bool peer_can_read_secrets(uid_t peer);

}  // namespace walnut::server
