// Tests for server/driver_link.cpp against a fake driver on a Unix socket in a temp dir:
// DATASTALE, DATAOK and a lost driver must take effect at once, not on the next tick.
#include "server/driver_link.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace walnut::server {
namespace {

using Clock = std::chrono::steady_clock;

class DriverLinkTest : public ::testing::Test {
 protected:
  DriverLinkTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("walnut-driver-link-" + std::to_string(::getpid()))),
        acceptor_(io_), driver_(io_), ups_(registry_.add("ups1")) {
    std::filesystem::create_directories(dir_);
    const auto path = (dir_ / "dummy-ups-ups1").string();
    std::filesystem::remove(path);
    acceptor_ = asio::local::stream_protocol::acceptor(io_,
                                                       asio::local::stream_protocol::endpoint(path));
    link_ = std::make_shared<DriverLink>(io_, ups_, path, tracking_, stats_);
  }
  ~DriverLinkTest() override {
    link_->stop();
    std::filesystem::remove_all(dir_);
  }

  // Runs the loop until `done` holds or a generous bound passes.
  template <typename Predicate>
  bool run_until(Predicate done) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!done() && Clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  // The link connects on its first tick and the fake driver answers the DUMPALL.
  void connect_and_dump() {
    acceptor_.async_accept(driver_, [](const asio::error_code&) {});
    link_->tick(15);
    ASSERT_TRUE(run_until([&] { return ups_.driver_connected && driver_.is_open(); }));
    say("SETINFO ups.status \"OL\"\nDATAOK\nDUMPDONE\n");
    ASSERT_TRUE(run_until([&] { 
      const auto* status = ups_.variables.value("ups.status");
      return status != nullptr && *status == "OL";
    }));
  }

  void say(const std::string& lines) { asio::write(driver_, asio::buffer(lines)); }

  std::filesystem::path dir_;
  asio::io_context io_;
  asio::local::stream_protocol::acceptor acceptor_;
  asio::local::stream_protocol::socket driver_;
  UpsRegistry registry_;
  Ups& ups_;
  TrackingTable tracking_;
  Stats stats_;
  std::shared_ptr<DriverLink> link_;
};

TEST_F(DriverLinkTest, DataStaleTakesEffectWithoutWaitingForATick) {
  connect_and_dump();
  EXPECT_FALSE(ups_.data_stale(Clock::now()));
  say("DATASTALE\n");
  ASSERT_TRUE(run_until([&] { return ups_.stale; }));
  EXPECT_TRUE(ups_.data_stale(Clock::now()));
}

TEST_F(DriverLinkTest, DataOkTakesEffectWithoutWaitingForATick) {
  connect_and_dump();
  say("DATASTALE\n");
  ASSERT_TRUE(run_until([&] { return ups_.stale; }));
  say("DATAOK\n");
  ASSERT_TRUE(run_until([&] { return !ups_.stale; }));
  EXPECT_FALSE(ups_.data_stale(Clock::now()));
}

TEST_F(DriverLinkTest, LostDriverDisconnectsAtOnce) {
  connect_and_dump();
  driver_.close();
  ASSERT_TRUE(run_until([&] { return !ups_.driver_connected; }));
  EXPECT_EQ(ups_.variables.value("ups.status"), nullptr);
}

TEST_F(DriverLinkTest, SilenceBeyondMaxageIsStaleWhenAsked) {
  connect_and_dump();
  // Requests ask Ups::data_stale with their own clock: no tick needs to have run.
  EXPECT_FALSE(ups_.data_stale(Clock::now() + std::chrono::seconds(15)));
  EXPECT_TRUE(ups_.data_stale(Clock::now() + std::chrono::seconds(17)));
}

TEST(Ups, DataIsStaleAfterItsDeadlineOrWhenFlagged) {
  Ups ups;
  const auto now = Clock::now();
  EXPECT_FALSE(ups.data_stale(now));
  ups.fresh_until = now;
  EXPECT_FALSE(ups.data_stale(now));
  EXPECT_TRUE(ups.data_stale(now + std::chrono::milliseconds(1)));
  ups.fresh_until = Clock::time_point::max();
  ups.stale = true;
  EXPECT_TRUE(ups.data_stale(now));
}

}  // namespace
}  // namespace walnut::server
