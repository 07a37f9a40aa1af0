// Tests of the driver socket server (drivers/usbhid/driver_socket.cpp) over a real Unix socket
// in a temporary directory, driven by polling the io_context from the test thread.
#include "drivers/usbhid/driver_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

namespace dp = driver_protocol;
using Clock = std::chrono::steady_clock;

class Reader {
 public:
  explicit Reader(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Reader() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& text) { ASSERT_EQ(::write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size())); }
  // Runs the server until `needle` has arrived (or 10 s passed); returns everything read.
  std::string read_until(asio::io_context& io, const std::string& needle) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (received_.find(needle) == std::string::npos && Clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(5));
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n > 0) received_.append(buffer, static_cast<std::size_t>(n));
    }
    return received_;
  }
  void clear() { received_.clear(); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string received_;
};

class DriverSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "usbhid-ups-test" + std::to_string(::getpid());
    state_.set_info("ups.status", "OL");
    state_.set_info("ups.delay.shutdown", "20");
    state_.set_flags("ups.delay.shutdown", kFlagRw | kFlagString);
    state_.set_aux("ups.delay.shutdown", 10);
    state_.add_cmd("beeper.enable");
    state_.set_data_ok(true);
    DriverSocketServer::Handlers handlers;
    handlers.state = [this]() -> const UpsState& { return state_; };
    handlers.instcmd = [this](const dp::InstCmd& command, DriverSocketServer::Reply reply) {
      instcmds_.push_back(command.name);
      reply(command.name == "beeper.enable" ? 0 : 2);
    };
    handlers.set = [this](const dp::Set& command, DriverSocketServer::Reply reply) {
      sets_.push_back(command.name + "=" + command.value);
      reply(0);
    };
    server_ = std::make_unique<DriverSocketServer>(io_, path_, std::move(handlers));
    ASSERT_TRUE(server_->listen().ok());
  }
  void TearDown() override { server_->stop(); }

  asio::io_context io_;
  std::string path_;
  UpsState state_;
  std::vector<std::string> instcmds_;
  std::vector<std::string> sets_;
  std::unique_ptr<DriverSocketServer> server_;
};

TEST_F(DriverSocketTest, SocketHasNutsPermissions) {
  struct stat info {};
  ASSERT_EQ(::stat(path_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0660u);
}

TEST_F(DriverSocketTest, DumpAllSendsTheStoreEndingWithDumpDone) {
  Reader reader(path_);
  ASSERT_TRUE(reader.connected());
  reader.send("DUMPALL\n");
  EXPECT_EQ(reader.read_until(io_, "DUMPDONE\n"),
            "SETINFO ups.delay.shutdown \"20\"\n"
            "SETAUX ups.delay.shutdown 10\n"
            "SETFLAGS ups.delay.shutdown RW STRING\n"
            "SETINFO ups.status \"OL\"\n"
            "ADDCMD beeper.enable\n"
            "DATAOK\n"
            "DUMPDONE\n");
}

TEST_F(DriverSocketTest, PingIsAnsweredWithPong) {
  Reader reader(path_);
  reader.send("PING\n");
  EXPECT_EQ(reader.read_until(io_, "\n"), "PONG\n");
}

TEST_F(DriverSocketTest, CommandsReachTheHandlersAndTrackingGoesToTheRequester) {
  Reader requester(path_);
  Reader bystander(path_);
  requester.send("INSTCMD beeper.enable TRACKING 1234-abcd\n");
  EXPECT_EQ(requester.read_until(io_, "\n"), "TRACKING 1234-abcd 0\n");
  requester.clear();
  requester.send("INSTCMD load.off\nSET ups.delay.shutdown \"60\" TRACKING id2\n");
  EXPECT_EQ(requester.read_until(io_, "id2"), "TRACKING id2 0\n");
  EXPECT_EQ((std::vector<std::string>{"beeper.enable", "load.off"}), instcmds_);
  EXPECT_EQ((std::vector<std::string>{"ups.delay.shutdown=60"}), sets_);
  bystander.send("PING\n");
  EXPECT_EQ(bystander.read_until(io_, "PONG\n"), "PONG\n");
}

TEST_F(DriverSocketTest, BroadcastReachesEveryReaderExceptThoseThatOptedOut) {
  Reader first(path_);
  Reader second(path_);
  Reader quiet(path_);
  quiet.send("NOBROADCAST\nPING\n");
  quiet.read_until(io_, "PONG\n");
  while (server_->connection_count() < 3) io_.run_for(std::chrono::milliseconds(5));
  server_->broadcast({dp::SetInfo{"ups.status", "OB"}, dp::DataStale{}});
  const std::string expected = "SETINFO ups.status \"OB\"\nDATASTALE\n";
  EXPECT_EQ(first.read_until(io_, "DATASTALE\n"), expected);
  EXPECT_EQ(second.read_until(io_, "DATASTALE\n"), expected);
  quiet.send("PING\n");
  EXPECT_EQ(quiet.read_until(io_, "PONG\nPONG\n"), "PONG\nPONG\n");
}

TEST_F(DriverSocketTest, LogoutSaysGoodbyeAndCloses) {
  Reader reader(path_);
  reader.send("LOGOUT\n");
  EXPECT_EQ(reader.read_until(io_, "\n"), "OK Goodbye\n");
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (server_->connection_count() > 0 && Clock::now() < deadline) {
    io_.run_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(DriverSocketTest, MalformedLinesAreIgnored) {
  Reader reader(path_);
  reader.send("BOGUS words\nINSTCMD\nPING\n");
  EXPECT_EQ(reader.read_until(io_, "PONG\n"), "PONG\n");
  EXPECT_TRUE(instcmds_.empty());
}

TEST(DriverSocket, ReplacesAStaleSocketFileAndRemovesItOnStop) {
  const std::string path = ::testing::TempDir() + "usbhid-ups-stale" + std::to_string(::getpid());
  { std::ofstream(path) << "left over"; }
  asio::io_context io;
  DriverSocketServer server(io, path, {});
  ASSERT_TRUE(server.listen().ok());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  server.stop();
  EXPECT_NE(::stat(path.c_str(), &info), 0);
}

TEST(DriverSocket, ListenFailsWithAReasonForAnImpossiblePath) {
  asio::io_context io;
  DriverSocketServer server(io, "/nonexistent-dir/usbhid-ups-x", {});
  auto listening = server.listen();
  ASSERT_FALSE(listening.ok());
  EXPECT_NE(listening.error().find("/nonexistent-dir/usbhid-ups-x"), std::string::npos);
}

}  // namespace
}  // namespace walnut::usbhid
