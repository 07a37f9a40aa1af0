// The client poller over a real socketpair and a real io_context: readiness reaches the client,
// level-triggered; output interest on demand; removed clients hear nothing; stop() lets run() end.
#include "server/client_poller.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <vector>

namespace walnut::server {
namespace {

struct Recorder : PolledClient {
  std::vector<std::uint32_t> events;
  int fd = -1;
  bool drain = false;  // read what is there when woken
  void on_ready(std::uint32_t ready) override {
    events.push_back(ready);
    if (drain && (ready & EPOLLIN)) {
      char buffer[64];
      (void)::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    }
  }
};

class ClientPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ends_), 0);
  }
  void TearDown() override {
    ::close(ends_[0]);
    ::close(ends_[1]);
  }
  // Runs whatever is ready now, and a little more, never blocking for long.
  void run_briefly() {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(50));
  }

  asio::io_context io_;
  int ends_[2] = {-1, -1};
};

TEST_F(ClientPollerTest, QuietSocketIsNotReported) {
  ClientPoller poller(io_);
  auto client = std::make_shared<Recorder>();
  ASSERT_TRUE(poller.add(ends_[0], client).ok());
  run_briefly();
  EXPECT_TRUE(client->events.empty());
  poller.stop();
}

TEST_F(ClientPollerTest, InputWakesTheClientUntilItReadsIt) {
  ClientPoller poller(io_);
  auto client = std::make_shared<Recorder>();
  client->fd = ends_[0];
  ASSERT_TRUE(poller.add(ends_[0], client).ok());
  ASSERT_EQ(::write(ends_[1], "GET VAR ups ups.status\n", 23), 23);
  run_briefly();
  // Level-triggered: unread input is reported on every wake.
  ASSERT_GE(client->events.size(), 2u);
  EXPECT_TRUE(client->events.front() & EPOLLIN);
  client->drain = true;
  run_briefly();
  const std::size_t after_read = client->events.size();
  run_briefly();
  EXPECT_EQ(client->events.size(), after_read);
  poller.stop();
}

TEST_F(ClientPollerTest, OutputIsReportedOnlyWhileWatched) {
  ClientPoller poller(io_);
  auto client = std::make_shared<Recorder>();
  ASSERT_TRUE(poller.add(ends_[0], client).ok());
  ASSERT_TRUE(poller.watch(ends_[0], false, true).ok());
  io_.restart();
  io_.run_one_for(std::chrono::milliseconds(500));
  ASSERT_FALSE(client->events.empty());
  EXPECT_TRUE(client->events.back() & EPOLLOUT);
  ASSERT_TRUE(poller.watch(ends_[0], true, false).ok());
  const std::size_t before = client->events.size();
  run_briefly();
  EXPECT_EQ(client->events.size(), before);
  poller.stop();
}

TEST_F(ClientPollerTest, RemovedClientHearsNothingAndIsReleased) {
  ClientPoller poller(io_);
  auto client = std::make_shared<Recorder>();
  ASSERT_TRUE(poller.add(ends_[0], client).ok());
  EXPECT_EQ(client.use_count(), 2);
  poller.remove(ends_[0]);
  EXPECT_EQ(client.use_count(), 1);
  ASSERT_EQ(::write(ends_[1], "x\n", 2), 2);
  run_briefly();
  EXPECT_TRUE(client->events.empty());
  poller.stop();
}

TEST_F(ClientPollerTest, PeerCloseIsReported) {
  ClientPoller poller(io_);
  auto client = std::make_shared<Recorder>();
  ASSERT_TRUE(poller.add(ends_[0], client).ok());
  ::shutdown(ends_[1], SHUT_WR);
  io_.restart();
  io_.run_one_for(std::chrono::milliseconds(500));
  ASSERT_FALSE(client->events.empty());
  EXPECT_TRUE(client->events.front() & (EPOLLIN | EPOLLRDHUP));
  poller.stop();
}

TEST_F(ClientPollerTest, StopLetsTheIoContextRunOutOfWork) {
  ClientPoller poller(io_);
  poller.stop();
  io_.restart();
  io_.run_for(std::chrono::seconds(30));
  // Stopped means it ran out of work; a pending wait would have kept it running to the end.
  EXPECT_TRUE(io_.stopped());
  EXPECT_FALSE(poller.add(ends_[0], std::make_shared<Recorder>()).ok());
}

}  // namespace
}  // namespace walnut::server
