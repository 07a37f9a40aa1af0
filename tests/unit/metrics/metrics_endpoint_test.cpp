// Tests server/metrics_endpoint.cpp (upsd's GET /metrics) on loopback with a real
// io_context; it lives beside the other metrics tests because the metrics area owns it.
#include "server/metrics_endpoint.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace walnut::server {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;

// Runs the io_context on a thread for the lifetime of the test.
class MetricsEndpointTest : public ::testing::Test {
 protected:
  void start(MetricsEndpoint::Limits limits = {}) {
    endpoint_ = std::make_unique<MetricsEndpoint>(io_, [this] { return "walnut_scrapes " + std::to_string(++renders_) + "\n"; }, limits);
    ASSERT_TRUE(endpoint_->bind("127.0.0.1", "0").ok());
    endpoint_->start();
    port_ = endpoint_->local_endpoints().at(0).port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (endpoint_) asio::post(io_, [this] { endpoint_->stop(); });
    if (thread_.joinable()) {
      work_.reset();
      thread_.join();
    }
  }

  // Sends `request`, then reads until the server closes; "" if it never answers in 10 s.
  std::string exchange(const std::string& request) {
    asio::io_context client;
    tcp::socket socket(client);
    asio::error_code error;
    socket.connect({asio::ip::make_address("127.0.0.1"), port_}, error);
    if (error) return "";
    asio::write(socket, asio::buffer(request), error);  // a refused connection may reset here
    std::string reply;
    std::array<char, 4096> buffer;
    while (true) {
      const std::size_t n = socket.read_some(asio::buffer(buffer), error);
      if (error) break;
      reply.append(buffer.data(), n);
    }
    return reply;
  }

  std::unique_ptr<tcp::socket> connect_from(asio::io_context& client, const std::string& source) {
    auto socket = std::make_unique<tcp::socket>(client);
    socket->open(tcp::v4());
    socket->bind({asio::ip::make_address(source), 0});
    socket->connect({asio::ip::make_address("127.0.0.1"), port_});
    return socket;
  }
  std::size_t open_connections() {
    std::promise<std::size_t> count;
    asio::post(io_, [&] { count.set_value(endpoint_->open_connections()); });
    return count.get_future().get();
  }
  // Waits (bounded) until the endpoint has taken `count` connections.
  void wait_for_open(std::size_t count) {
    for (int i = 0; i < 500 && open_connections() != count; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(open_connections(), count);
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<MetricsEndpoint> endpoint_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<int> renders_{0};
};

TEST_F(MetricsEndpointTest, ServesTheRenderedTextOnEveryScrape) {
  start();
  const std::string first = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(first.starts_with("HTTP/1.1 200 OK\r\n")) << first;
  EXPECT_TRUE(first.ends_with("\r\n\r\nwalnut_scrapes 1\n")) << first;
  EXPECT_TRUE(exchange("GET /metrics HTTP/1.0\r\n\r\n").ends_with("walnut_scrapes 2\n"));
}

TEST_F(MetricsEndpointTest, GivesNotFoundForOtherPaths) {
  start();
  EXPECT_TRUE(exchange("GET /other HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
  EXPECT_EQ(renders_, 0);
}

TEST_F(MetricsEndpointTest, AnswersAnOversizedRequestAndCloses) {
  MetricsEndpoint::Limits limits;
  limits.max_request_head = 512;
  start(limits);
  const std::string reply = exchange("GET /metrics HTTP/1.1\r\nX: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431 ")) << reply.substr(0, 40);
}

TEST_F(MetricsEndpointTest, ClosesAConnectionThatNeverFinishesItsRequest) {
  MetricsEndpoint::Limits limits;
  limits.request_timeout = 200ms;
  start(limits);
  EXPECT_EQ(exchange("GET /metrics HTTP/1.1\r\n"), "");
}

TEST_F(MetricsEndpointTest, StopClosesOpenConnectionsAndTheListener) {
  start();
  asio::io_context client;
  tcp::socket idle(client);
  idle.connect({asio::ip::make_address("127.0.0.1"), port_});
  // Wait (bounded) until the endpoint has taken the idle connection.
  std::size_t open = 0;
  for (int i = 0; i < 1000 && open == 0; ++i) {
    std::promise<std::size_t> count;
    asio::post(io_, [&] { count.set_value(endpoint_->open_connections()); });
    open = count.get_future().get();
    if (open == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(open, 1u);
  std::promise<void> stopped;
  asio::post(io_, [&] {
    endpoint_->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  std::array<char, 16> buffer;
  asio::error_code error;
  idle.read_some(asio::buffer(buffer), error);
  EXPECT_EQ(error, asio::error::eof);
  tcp::socket late(client);
  late.connect({asio::ip::make_address("127.0.0.1"), port_}, error);
  EXPECT_TRUE(error);
}

// The bug (issue 18): 32 idle connections filled the cap and every scrape was refused.
TEST_F(MetricsEndpointTest, ThirtyTwoIdleConnectionsDoNotStarveScrapes) {
  MetricsEndpoint::Limits limits;
  limits.header_timeout = 10s;  // eviction, not the head deadline, is what is tested here
  start(limits);
  asio::io_context client;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 32; ++i) {  // 4 per address, the per-address cap, from 8 addresses
    idle.push_back(connect_from(client, "127.0.0." + std::to_string(2 + i / 4)));
  }
  wait_for_open(32);
  for (int round = 0; round < 3; ++round) {
    const std::string reply = exchange("GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << "scrape " << round << ": " << reply;
  }
  EXPECT_LE(open_connections(), 32u);
}

TEST_F(MetricsEndpointTest, OneAddressGetsAtMostItsShare) {
  MetricsEndpoint::Limits limits;
  limits.header_timeout = 10s;
  start(limits);
  asio::io_context client;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_from(client, "127.0.0.2"));
  wait_for_open(4);
  for (int i = 0; i < 6; ++i) idle.push_back(connect_from(client, "127.0.0.2"));
  idle.push_back(connect_from(client, "127.0.0.3"));
  wait_for_open(5);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(open_connections(), 5u);  // 4 from .2 (the newest), 1 from .3
  // The oldest of .2 gave way: the server closed it.
  std::array<char, 16> buffer;
  asio::error_code error;
  idle.front()->read_some(asio::buffer(buffer), error);
  EXPECT_EQ(error, asio::error::eof);
}

TEST_F(MetricsEndpointTest, DropsAConnectionThatSendsNoHeadInTime) {
  MetricsEndpoint::Limits limits;
  limits.header_timeout = 200ms;
  start(limits);
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(exchange("GET /metrics HTTP/1.1\r\n"), "");
  // Well before the 10 s request deadline (a bound, not a timing measurement).
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
}

TEST_F(MetricsEndpointTest, RefusesWhenEverySlotIsBusyAnswering) {
  MetricsEndpoint::Limits limits;
  limits.max_connections = 1;
  start(limits);
  asio::io_context client;
  auto first = connect_from(client, "127.0.0.1");
  wait_for_open(1);
  // An idle connection gives way to a scrape; once it is gone, scrapes keep working.
  EXPECT_TRUE(exchange("GET /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200"));
  std::array<char, 16> buffer;
  asio::error_code error;
  first->read_some(asio::buffer(buffer), error);
  EXPECT_EQ(error, asio::error::eof);
  EXPECT_TRUE(exchange("GET /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200"));
}

TEST(MetricsEndpoint, KeepsTryingToBindATakenPortAndServesOnceItIsFree) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  // Another program holds the port.
  auto holder = std::make_unique<tcp::acceptor>(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = holder->local_endpoint().port();
  MetricsEndpoint endpoint(io, [] { return std::string("walnut_up 1\n"); });
  endpoint.bind_or_retry("127.0.0.1", std::to_string(port), 20ms);
  EXPECT_FALSE(endpoint.listening());
  EXPECT_TRUE(endpoint.local_endpoints().empty());
  endpoint.start();
  std::thread thread([&] { io.run(); });
  const auto ask = [&](auto&& what) {
    std::promise<decltype(what())> result;
    asio::post(io, [&] { result.set_value(what()); });
    return result.get_future().get();
  };
  std::this_thread::sleep_for(100ms);  // several failed attempts
  EXPECT_FALSE(ask([&] { return endpoint.listening(); }));
  ask([&] { holder.reset(); return true; });
  bool listening = false;
  for (int i = 0; i < 500 && !listening; ++i) {
    listening = ask([&] { return endpoint.listening(); });
    if (!listening) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(listening);
  // Accepting started on the late listener: a scrape is answered.
  asio::io_context client;
  tcp::socket socket(client);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(std::string("GET /metrics HTTP/1.0\r\n\r\n")));
  std::string reply;
  asio::error_code error;
  std::array<char, 1024> buffer;
  while (!error) reply.append(buffer.data(), socket.read_some(asio::buffer(buffer), error));
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_TRUE(reply.ends_with("walnut_up 1\n")) << reply;
  ask([&] { endpoint.stop(); return true; });
  work.reset();
  thread.join();
}

TEST(MetricsEndpoint, StopEndsTheBindRetries) {
  asio::io_context io;
  tcp::acceptor holder(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  MetricsEndpoint endpoint(io, [] { return std::string(); });
  endpoint.bind_or_retry("127.0.0.1", std::to_string(holder.local_endpoint().port()), 10ms);
  endpoint.stop();
  // Nothing else keeps the io_context busy: run() returns once the cancelled retry is done.
  io.run_for(5s);
  EXPECT_TRUE(io.stopped());
  EXPECT_FALSE(endpoint.listening());
}

TEST(MetricsEndpoint, BindsIpv6AndReportsBadAddresses) {
  asio::io_context io;
  MetricsEndpoint endpoint(io, [] { return std::string(); });
  const Status v6 = endpoint.bind("::1", "0");
  if (v6.ok()) {
    EXPECT_TRUE(endpoint.local_endpoints().at(0).address().is_v6());
  }
  const Status bad = endpoint.bind("not an address", "0");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("not an address"), std::string::npos);
}

}  // namespace
}  // namespace walnut::server
