#include "tests/bench/floor_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace walnut::bench {
namespace {

TEST(FloorServer, CountsOnlyCompleteLines) {
  LineCount count = count_lines_and_carry("GET VAR bench ups.status\nGET VAR bench ups.status\n", 0);
  EXPECT_EQ(count.lines, 2u);
  EXPECT_EQ(count.carry, 0u);
}

TEST(FloorServer, CarriesAPartialLineIntoTheNextRead) {
  LineCount first = count_lines_and_carry("GET VAR bench ups.status\nGET VAR be", 0);
  EXPECT_EQ(first.lines, 1u);
  EXPECT_EQ(first.carry, 10u);
  LineCount second = count_lines_and_carry("nch ups.sta", first.carry);
  EXPECT_EQ(second.lines, 0u);
  EXPECT_EQ(second.carry, 21u);
  LineCount third = count_lines_and_carry("tus\nGET", second.carry);
  EXPECT_EQ(third.lines, 1u);
  EXPECT_EQ(third.carry, 3u);
}

TEST(FloorServer, ALineSplitByteByByteIsOneLine) {
  std::string request = "GET VAR bench ups.status\r\n";
  LineCount count;
  std::size_t lines = 0;
  for (char byte : request) {
    count = count_lines_and_carry(std::string_view(&byte, 1), count.carry);
    lines += count.lines;
  }
  EXPECT_EQ(lines, 1u);
  EXPECT_EQ(count.carry, 0u);
}

TEST(FloorServer, EmptyLinesAndEmptyReadsCount) {
  EXPECT_EQ(count_lines_and_carry("\n\n\n", 5).lines, 3u);
  EXPECT_EQ(count_lines_and_carry("\n\n\n", 5).carry, 0u);
  EXPECT_EQ(count_lines_and_carry("", 7).lines, 0u);
  EXPECT_EQ(count_lines_and_carry("", 7).carry, 7u);
}

TEST(FloorServer, RefusesAnAddressOffLoopback) {
  FloorPlan plan;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&plan.endpoint.address);
  v4->sin_family = AF_INET;
  v4->sin_addr.s_addr = htonl(0x0a000001);  // 10.0.0.1
  v4->sin_port = htons(1);
  plan.endpoint.length = sizeof(sockaddr_in);
  plan.seconds = 0.1;
  EXPECT_FALSE(run_floor_server(plan));
}

// A port the kernel just handed out and freed: good enough on loopback for one test.
std::uint16_t unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::string read_replies(int fd, std::size_t count) {
  std::string replies;
  char buffer[256];
  while (replies.size() < count * kFloorReply.size()) {
    ssize_t received = recv(fd, buffer, sizeof buffer, 0);
    if (received <= 0) break;
    replies.append(buffer, static_cast<std::size_t>(received));
  }
  return replies;
}

TEST(FloorServer, AnswersEveryCompleteLineOnLoopbackThenStopsOnTime) {
  Result<Endpoint> endpoint = loopback_endpoint("127.0.0.1", unused_port());
  ASSERT_TRUE(endpoint);
  Status served = Error{"not run"};
  std::thread server([&] { served = run_floor_server(FloorPlan{.endpoint = *endpoint, .seconds = 1.5}); });
  Result<int> fd = Error{"not connected"};
  for (int attempt = 0; attempt < 100 && !fd; ++attempt) {
    fd = connect_blocking(*endpoint);
    if (!fd) usleep(10'000);
  }
  ASSERT_TRUE(fd) << fd.error();
  ASSERT_TRUE(send_all(*fd, "GET VAR bench ups.status\nGET VAR be"));
  EXPECT_EQ(read_replies(*fd, 1), std::string(kFloorReply));
  ASSERT_TRUE(send_all(*fd, "nch ups.status\nLIST VAR bench\n"));
  EXPECT_EQ(read_replies(*fd, 2), std::string(kFloorReply) + std::string(kFloorReply));
  close(*fd);
  server.join();
  EXPECT_TRUE(served) << served.error();
}

}  // namespace
}  // namespace walnut::bench
