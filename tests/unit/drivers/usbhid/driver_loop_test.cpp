// Tests of the device side and the driver loop (drivers/usbhid/ups_device.cpp, driver_loop.cpp,
// driver_info.cpp) against the simulated APC Back-UPS ES 850G2 from the HID corpus.
#include "drivers/usbhid/driver_loop.h"

#include <chrono>
#include <functional>

#include <gtest/gtest.h>

#include "drivers/usbhid/driver_info.h"
#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_transport.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kCapture = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";

TEST(ReconnectDelay, StartsAtOneSecondAndDoublesUpToTheCap) {
  EXPECT_EQ(reconnect_delay(1, 2s), 1000ms);
  EXPECT_EQ(reconnect_delay(2, 2s), 2000ms);
  EXPECT_EQ(reconnect_delay(3, 2s), 4000ms);
  EXPECT_EQ(reconnect_delay(4, 2s), 8000ms);
  EXPECT_EQ(reconnect_delay(50, 2s), 8000ms);
  EXPECT_EQ(reconnect_delay(50, 30s), 30000ms);
}

TEST(DumpText, PrintsNameColonValueInTreeOrder) {
  UpsState state;
  state.set_info("ups.status", "OL");
  state.set_info("battery.type", "");
  state.set_info("Battery.charge", "100");
  EXPECT_EQ(dump_text(state), "Battery.charge: 100\nbattery.type: \nups.status: OL\n");
}

class SimDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto image = load_sim_image(kCapture);
    ASSERT_TRUE(image.ok()) << image.error();
    sim_ = std::make_shared<SimDevice>(std::move(*image));
    auto options = make_driver_options({{"port", std::string("sim:") + kCapture},
                                        {"pollinterval", "1"}});
    ASSERT_TRUE(options.ok()) << options.error();
    device_ = std::make_unique<UpsDevice>(std::make_unique<SimTransport>(sim_), *options);
    ASSERT_TRUE(device_->open().ok());
    ASSERT_TRUE(start_state(*device_, "walnut sim", state_).ok());
  }

  // Runs the io_context until `done` holds or 20 s pass.
  bool run_until(asio::io_context& io, const std::function<bool()>& done) {
    // Posts from the loop's thread arrive at any time: keep the io_context from running dry.
    auto guard = asio::make_work_guard(io);
    io.restart();
    const auto deadline = Clock::now() + 20s;
    while (!done() && Clock::now() < deadline) io.run_for(10ms);
    return done();
  }

  std::shared_ptr<SimDevice> sim_;
  std::unique_ptr<UpsDevice> device_;
  UpsState state_;
};

TEST_F(SimDriverTest, StartPublishesTheDeviceAndTheDriver) {
  EXPECT_EQ(*state_.value("ups.status"), "OL");
  EXPECT_EQ(*state_.value("battery.charge"), "100");
  EXPECT_EQ(*state_.value("device.model"), "Back-UPS ES 850G2");
  EXPECT_EQ(*state_.value("driver.name"), "usbhid-ups");
  EXPECT_EQ(*state_.value("driver.parameter.pollinterval"), "1");
  EXPECT_EQ(*state_.value("driver.parameter.pollfreq"), "30");
  EXPECT_EQ(*state_.value("driver.version.data"), "APC HID 0.101");  // 2.8.5's apc-hid.c:35
  EXPECT_TRUE(state_.has_cmd("beeper.disable"));
  // NUT 2.8.5's driver core (driver_core.h).
  EXPECT_EQ(*state_.value("driver.state"), "quiet");
  EXPECT_EQ(*state_.value("driver.flag.allow_killpower"), "0");
  EXPECT_TRUE(state_.has_cmd("driver.reload"));
}

TEST_F(SimDriverTest, DriverCoreSetsAndTheKillpowerGate) {
  asio::io_context io;
  std::optional<UpsState> latest;
  DriverLoop loop(io, *device_, state_, [&](const UpsState& s) { latest = s; });
  loop.start();
  std::optional<int> refused;
  loop.submit_instcmd("driver.killpower", std::nullopt, [&](int s) { refused = s; });
  ASSERT_TRUE(run_until(io, [&] { return refused.has_value(); }));
  EXPECT_EQ(*refused, 2);  // STAT_INSTCMD_INVALID: allow_killpower is 0
  std::optional<int> set;
  loop.submit_set("driver.flag.allow_killpower", "yes", [&](int s) { set = s; });
  ASSERT_TRUE(run_until(io, [&] { return set.has_value(); }));
  EXPECT_EQ(*set, 0);
  ASSERT_TRUE(run_until(io, [&] {
    return latest && *latest->value("driver.flag.allow_killpower") == "1";
  }));
  std::optional<int> bad;
  loop.submit_set("driver.debug", "loud", [&](int s) { bad = s; });
  ASSERT_TRUE(run_until(io, [&] { return bad.has_value(); }));
  EXPECT_EQ(*bad, 2);  // STAT_SET_INVALID
  loop.stop();
}

TEST_F(SimDriverTest, InstantCommandReachesTheDeviceAsASetReport) {
  asio::io_context io;
  std::optional<UpsState> latest;
  DriverLoop loop(io, *device_, state_, [&](const UpsState& s) { latest = s; });
  loop.start();
  std::optional<int> status;
  loop.submit_instcmd("beeper.disable", std::nullopt, [&](int s) { status = s; });
  ASSERT_TRUE(run_until(io, [&] { return status.has_value(); }));
  EXPECT_EQ(*status, 0);
  EXPECT_EQ(sim_->report(0x18), (std::vector<std::uint8_t>{0x18, 0x01}));
  ASSERT_TRUE(run_until(io, [&] {
    return latest && latest->value("ups.beeper.status") &&
           *latest->value("ups.beeper.status") == "disabled";
  }));
  std::optional<int> unknown;
  loop.submit_instcmd("no.such.command", std::nullopt, [&](int s) { unknown = s; });
  ASSERT_TRUE(run_until(io, [&] { return unknown.has_value(); }));
  EXPECT_NE(*unknown, 0);
  loop.stop();
}

TEST_F(SimDriverTest, InterruptReportUpdatesTheStateWithoutWaitingForPollfreq) {
  asio::io_context io;
  std::optional<UpsState> latest;
  DriverLoop loop(io, *device_, state_, [&](const UpsState& s) { latest = s; });
  loop.start();
  // PowerSummary.RemainingCapacity 42 % (and RunTimeToEmpty, which NUT's APC table reads from
  // UPS.Battery instead) on the interrupt pipe.
  sim_->queue_interrupt({0x0c, 42, 0x00, 0x01});
  ASSERT_TRUE(run_until(io, [&] {
    return latest && latest->value("battery.charge") &&
           *latest->value("battery.charge") == "42";
  }));
  loop.stop();
}

TEST_F(SimDriverTest, UnplugGoesStaleAndReplugRecoversWithoutRestart) {
  asio::io_context io;
  std::optional<UpsState> latest;
  DriverLoop loop(io, *device_, state_, [&](const UpsState& s) { latest = s; });
  loop.start();
  ASSERT_TRUE(run_until(io, [&] { return latest && latest->data_ok(); }));
  sim_->unplug();
  ASSERT_TRUE(run_until(io, [&] { return latest && !latest->data_ok(); }));
  EXPECT_EQ(*latest->value("driver.state"), "reconnect.trying");
  std::optional<int> status;
  loop.submit_instcmd("beeper.disable", std::nullopt, [&](int s) { status = s; });
  ASSERT_TRUE(run_until(io, [&] { return status.has_value(); }));
  EXPECT_EQ(*status, 3);  // STAT_INSTCMD_FAILED while the device is away
  sim_->replug();
  ASSERT_TRUE(run_until(io, [&] { return latest && latest->data_ok(); }));
  EXPECT_EQ(*latest->value("ups.status"), "OL");
  EXPECT_EQ(*latest->value("driver.state"), "quiet");
  loop.stop();
}

}  // namespace
}  // namespace walnut::usbhid
