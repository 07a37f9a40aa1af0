#include "server/local_peer.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

namespace walnut::server {
namespace {

sockaddr_storage v4(const char* address, std::uint16_t port) {
  sockaddr_storage storage{};
  auto& in = reinterpret_cast<sockaddr_in&>(storage);
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  ::inet_pton(AF_INET, address, &in.sin_addr);
  return storage;
}

std::vector<std::uint8_t> reply_with(std::uint32_t seq, std::uint32_t uid, std::uint32_t inode) {
  inet_diag_msg message{};
  message.idiag_family = AF_INET;
  message.idiag_uid = uid;
  message.idiag_inode = inode;
  nlmsghdr header{};
  header.nlmsg_len = NLMSG_LENGTH(sizeof(message));
  header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  header.nlmsg_seq = seq;
  std::vector<std::uint8_t> bytes(header.nlmsg_len);
  std::memcpy(bytes.data(), &header, sizeof(header));
  std::memcpy(bytes.data() + NLMSG_HDRLEN, &message, sizeof(message));
  return bytes;
}

TEST(SockDiagRequest, AsksForTheClientsOwnEndExactly) {
  const auto bytes = sock_diag_request(v4("127.0.0.1", 40000), v4("127.0.0.2", 3493), 7);
  ASSERT_EQ(bytes.size(), NLMSG_LENGTH(sizeof(inet_diag_req_v2)));
  nlmsghdr header;
  std::memcpy(&header, bytes.data(), sizeof(header));
  EXPECT_EQ(header.nlmsg_type, SOCK_DIAG_BY_FAMILY);
  EXPECT_EQ(header.nlmsg_flags, NLM_F_REQUEST);  // not a dump
  EXPECT_EQ(header.nlmsg_seq, 7U);
  inet_diag_req_v2 body;
  std::memcpy(&body, bytes.data() + NLMSG_HDRLEN, sizeof(body));
  EXPECT_EQ(body.sdiag_family, AF_INET);
  EXPECT_EQ(body.sdiag_protocol, IPPROTO_TCP);
  EXPECT_EQ(ntohs(body.id.idiag_sport), 40000);
  EXPECT_EQ(ntohs(body.id.idiag_dport), 3493);
  EXPECT_EQ(ntohl(body.id.idiag_src[0]), 0x7f000001U);
  EXPECT_EQ(ntohl(body.id.idiag_dst[0]), 0x7f000002U);
  EXPECT_EQ(body.id.idiag_cookie[0], INET_DIAG_NOCOOKIE);
}

TEST(SockDiagRequest, RefusesMixedOrUnknownFamilies) {
  sockaddr_storage v6{};
  v6.ss_family = AF_INET6;
  EXPECT_TRUE(sock_diag_request(v4("127.0.0.1", 1), v6, 1).empty());
  sockaddr_storage unix_socket{};
  unix_socket.ss_family = AF_UNIX;
  EXPECT_TRUE(sock_diag_request(unix_socket, unix_socket, 1).empty());
}

TEST(SockDiagOwner, ReadsTheUidOfAnOpenSocket) {
  EXPECT_EQ(sock_diag_owner(reply_with(3, 1234, 99), 3), 1234U);
}

TEST(SockDiagOwner, AClosedSocketHasNoOwner) {
  // The kernel reports time-wait mini sockets (and fills orphans' inode 0): uid 0 there is not
  // root's, and taking it as such would exempt a client that guesses and closes at once.
  EXPECT_EQ(sock_diag_owner(reply_with(3, 0, 0), 3), std::nullopt);
}

TEST(SockDiagOwner, ErrorsShortRepliesAndOtherSequencesAreNoAnswer) {
  EXPECT_EQ(sock_diag_owner(reply_with(3, 1234, 99), 4), std::nullopt);
  auto bytes = reply_with(3, 1234, 99);
  EXPECT_EQ(sock_diag_owner({bytes.data(), 20}, 3), std::nullopt);
  nlmsghdr error{};
  error.nlmsg_len = NLMSG_LENGTH(sizeof(nlmsgerr));
  error.nlmsg_type = NLMSG_ERROR;
  error.nlmsg_seq = 3;
  std::vector<std::uint8_t> error_bytes(error.nlmsg_len);
  std::memcpy(error_bytes.data(), &error, sizeof(error));
  EXPECT_EQ(sock_diag_owner(error_bytes, 3), std::nullopt);
  auto oversized = reply_with(3, 1234, 99);
  oversized.resize(oversized.size() - 1);  // the header claims more than there is
  EXPECT_EQ(sock_diag_owner(oversized, 3), std::nullopt);
}

// The real kernel: a loopback listener, a client made by `connect_client`, the accepted fd.
class LoopbackPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener_, 0);
    int off = 0;
    ::setsockopt(listener_, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    sockaddr_in6 any{};
    any.sin6_family = AF_INET6;
    any.sin6_addr = in6addr_any;
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&any), sizeof(any)), 0);
    ASSERT_EQ(::listen(listener_, 4), 0);
    socklen_t size = sizeof(any);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&any), &size);
    port_ = ntohs(any.sin6_port);
  }
  void TearDown() override {
    if (accepted_ >= 0) ::close(accepted_);
    ::close(listener_);
  }
  int connect_v4() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage to = v4("127.0.0.1", port_);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in)), 0);
    return fd;
  }
  int accept_one() {
    accepted_ = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    return accepted_;
  }

  int listener_ = -1;
  int accepted_ = -1;
  std::uint16_t port_ = 0;
};

TEST_F(LoopbackPeer, FindsTheOwnerOfAnIPv4ClientBehindADualStackListener) {
  const int client = connect_v4();
  const int server = accept_one();
  ASSERT_GE(server, 0);
  EXPECT_EQ(local_peer_uid(server), ::geteuid());
  EXPECT_TRUE(peer_can_read_secrets(::geteuid()));
  ::close(client);
}

TEST_F(LoopbackPeer, FindsAnotherUsersClientAndDoesNotTrustIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another user";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_storage to = v4("127.0.0.1", port_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(sockaddr_in)) != 0) ::_exit(3);
    char byte = 'x';
    if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
    ::read(fd, &byte, 1);  // holds the connection until the test closes its end
    ::_exit(0);
  }
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  const int server = accept_one();
  ASSERT_GE(server, 0);
  const auto owner = local_peer_uid(server);
  EXPECT_EQ(owner, 65534U);
  EXPECT_FALSE(peer_can_read_secrets(65534));
  ::close(accepted_);
  accepted_ = -1;
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(LoopbackPeer, AClientThatClosedItsSocketHasNoOwner) {
  const int client = connect_v4();
  const int server = accept_one();
  ASSERT_GE(server, 0);
  ::close(client);
  // Wait for the FIN: the client's socket is then an orphan or time-wait socket.
  char byte;
  ASSERT_EQ(::read(server, &byte, 1), 0);
  EXPECT_EQ(local_peer_uid(server), std::nullopt);
}

TEST(LocalPeer, NotASocketIsNoAnswer) { EXPECT_EQ(local_peer_uid(-1), std::nullopt); }

}  // namespace
}  // namespace walnut::server
