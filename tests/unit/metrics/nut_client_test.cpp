// Tests metrics/nut_client.cpp and metrics/nut_scrape.cpp against a scripted NUT server on
// loopback (a thread answering each request line with canned text).
#include "metrics/nut_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "metrics/nut_scrape.h"

namespace walnut::metrics {
namespace {

using namespace std::chrono_literals;

TEST(ServerAddress, ParsesHostAndOptionalPort) {
  auto plain = parse_server_address("nas.local");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->host, "nas.local");
  EXPECT_EQ(plain->port, 3493);
  auto with_port = parse_server_address("127.0.0.1:3500");
  ASSERT_TRUE(with_port.ok());
  EXPECT_EQ(with_port->host, "127.0.0.1");
  EXPECT_EQ(with_port->port, 3500);
}

TEST(ServerAddress, ParsesIpv6WithAndWithoutBrackets) {
  auto bare = parse_server_address("::1");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->host, "::1");
  EXPECT_EQ(bare->port, 3493);
  auto bracketed = parse_server_address("[::1]:3501");
  ASSERT_TRUE(bracketed.ok());
  EXPECT_EQ(bracketed->host, "::1");
  EXPECT_EQ(bracketed->port, 3501);
}

TEST(ServerAddress, RejectsBadPortsAndMissingParts) {
  EXPECT_FALSE(parse_server_address("host:").ok());
  EXPECT_FALSE(parse_server_address("host:0").ok());
  EXPECT_FALSE(parse_server_address("host:65536").ok());
  EXPECT_FALSE(parse_server_address("host:12x").ok());
  EXPECT_FALSE(parse_server_address(":3493").ok());
  EXPECT_FALSE(parse_server_address("[::1").ok());
  EXPECT_FALSE(parse_server_address("[::1]x").ok());
  EXPECT_FALSE(parse_server_address("").ok());
}

// Answers request lines from a script; requests not in the script get no answer at all.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::map<std::string, std::string> script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(listener_, SHUT_RDWR);
    if (client_ >= 0) ::shutdown(client_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  ServerAddress address() const { return {"127.0.0.1", port_}; }

 private:
  void serve() {
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    client_ = fd;
    std::string buffer;
    char chunk[512];
    ssize_t n;
    while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      for (std::size_t lf; (lf = buffer.find('\n')) != std::string::npos;) {
        const auto found = script_.find(buffer.substr(0, lf));
        buffer.erase(0, lf + 1);
        if (found != script_.end()) (void)::send(fd, found->second.data(), found->second.size(), MSG_NOSIGNAL);
      }
    }
    ::close(fd);
  }

  std::map<std::string, std::string> script_;
  int listener_ = -1;
  std::atomic<int> client_{-1};
  std::uint16_t port_ = 0;
  std::thread thread_;
};

const std::map<std::string, std::string> kTwoUpses = {
    {"LIST UPS", "BEGIN LIST UPS\nUPS a \"First\"\nUPS b \"Second\"\nEND LIST UPS\n"},
    {"LIST VAR a", "BEGIN LIST VAR a\nVAR a battery.charge \"90\"\nVAR a ups.status \"OL\"\nEND LIST VAR a\n"},
    {"LIST VAR b", "ERR DATA-STALE\n"},
};

TEST(NutClient, ListsUpsesAndVariables) {
  ScriptedServer server(kTwoUpses);
  auto client = NutClient::connect(server.address(), 5s);
  ASSERT_TRUE(client.ok()) << client.error();
  auto upses = client->list_ups();
  ASSERT_TRUE(upses.ok()) << upses.error();
  ASSERT_EQ(upses->size(), 2u);
  EXPECT_EQ((*upses)[1], (std::pair<std::string, std::string>{"b", "Second"}));
  auto variables = client->list_var("a");
  ASSERT_TRUE(variables.ok()) << variables.error();
  EXPECT_EQ(variables->at("battery.charge"), "90");
  auto stale = client->list_var("b");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error(), "DATA-STALE");
  // An ERR reply keeps the connection in step: the next request still works.
  EXPECT_TRUE(client->list_var("a").ok());
}

TEST(NutClient, GivesUpAtTheDeadlineWhenTheServerDoesNotAnswer) {
  ScriptedServer server({});
  auto client = NutClient::connect(server.address(), 300ms);
  ASSERT_TRUE(client.ok()) << client.error();
  auto upses = client->list_ups();
  ASSERT_FALSE(upses.ok());
  EXPECT_NE(upses.error().find("timed out"), std::string::npos);
}

TEST(NutClient, ReportsARefusedConnection) {
  ServerAddress nowhere;
  {
    ScriptedServer server({});
    nowhere = server.address();
    // Connect once so the scripted server's accept() returns and its thread can end.
    (void)NutClient::connect(nowhere, 1s);
  }
  auto client = NutClient::connect(nowhere, 1s);
  EXPECT_FALSE(client.ok());
}

TEST(NutScrape, MarksStaleUpsesAsNotFreshAndKeepsTheOthers) {
  ScriptedServer server(kTwoUpses);
  const auto scrape = scrape_nut_server(server.address(), {}, 5s);
  ASSERT_EQ(scrape.upses.size(), 2u);
  EXPECT_EQ(scrape.upses[0].name, "a");
  EXPECT_TRUE(scrape.upses[0].fresh);
  EXPECT_EQ(scrape.upses[1].name, "b");
  EXPECT_FALSE(scrape.upses[1].fresh);
  ASSERT_EQ(scrape.problems.size(), 1u);
  EXPECT_NE(scrape.problems[0].find("DATA-STALE"), std::string::npos);
}

TEST(NutScrape, AsksOnlyForTheNamedUpses) {
  ScriptedServer server(kTwoUpses);
  const auto scrape = scrape_nut_server(server.address(), {"a"}, 5s);
  ASSERT_EQ(scrape.upses.size(), 1u);
  EXPECT_TRUE(scrape.upses[0].fresh);
}

TEST(NutScrape, ReportsNamedUpsesAsNotFreshWhenTheServerIsDown) {
  ServerAddress nowhere;
  {
    ScriptedServer server({});
    nowhere = server.address();
    (void)NutClient::connect(nowhere, 1s);
  }
  const auto named = scrape_nut_server(nowhere, {"a", "b"}, 1s);
  ASSERT_EQ(named.upses.size(), 2u);
  EXPECT_FALSE(named.upses[0].fresh);
  EXPECT_FALSE(named.upses[1].fresh);
  const auto unnamed = scrape_nut_server(nowhere, {}, 1s);
  ASSERT_EQ(unnamed.upses.size(), 1u);
  EXPECT_EQ(unnamed.upses[0].name, "");
  EXPECT_FALSE(unnamed.upses[0].fresh);
  EXPECT_NE(render(ups_metric_families(unnamed.upses)).find("ups_scrape_success{ups=\"\"} 0\n"),
            std::string::npos);
  const auto remembered = scrape_nut_server(nowhere, {}, 1s, {"old1", "old2"});
  ASSERT_EQ(remembered.upses.size(), 2u);
  EXPECT_EQ(remembered.upses[1].name, "old2");
  EXPECT_FALSE(remembered.upses[1].fresh);
}

TEST(NutScrape, PrefersTheServersListToRememberedNames) {
  ScriptedServer server(kTwoUpses);
  const auto scrape = scrape_nut_server(server.address(), {}, 5s, {"gone"});
  ASSERT_EQ(scrape.upses.size(), 2u);
  EXPECT_EQ(scrape.upses[0].name, "a");
}

}  // namespace
}  // namespace walnut::metrics
