// Tests that each implemented NUT 2.8.5 option changes what the driver does (docs/usbhid-ups.md,
// "Settings"): maxreport and its APC auto-quirk, disable_fix_report_desc,
// interrupt_pipe_no_events_tolerance, waitbeforereconnect, sdcommands, reload outcomes.
#include <chrono>
#include <functional>

#include <gtest/gtest.h>

#include "drivers/usbhid/driver_info.h"
#include "drivers/usbhid/driver_loop.h"
#include "drivers/usbhid/driver_process.h"
#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_transport.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kEs850 = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";
constexpr const char* kXs1400 = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-xs-1400u.txt";

SimDeviceImage image_of(const char* capture) {
  auto image = load_sim_image(capture);
  EXPECT_TRUE(image.ok()) << image.error();
  return image.ok() ? std::move(*image) : SimDeviceImage{};
}

// Opens `image` with `settings` (plus port) and runs NUT's init walk into `state`.
Status start(std::shared_ptr<SimDevice> sim, std::vector<Setting> settings, UpsState& state,
             std::unique_ptr<UpsDevice>& device) {
  settings.insert(settings.begin(), Setting{"port", "sim:test"});
  auto options = make_driver_options(settings);
  if (!options) return Error{options.error()};
  device = std::make_unique<UpsDevice>(std::make_unique<SimTransport>(std::move(sim)), *options);
  if (auto opened = device->open(); !opened) return opened;
  return start_state(*device, "walnut sim", state);
}

// The buggy Back-UPS firmware: report 0x0c (RemainingCapacity) is one byte longer than its
// descriptor says, and a GET_REPORT asking the descriptor's length overflows (strict sim).
SimDeviceImage oversized_report_image(const char* product) {
  SimDeviceImage image = image_of(kEs850);
  image.overflow_on_short_request = true;
  image.reports[0x0c].push_back(0x00);
  image.info.product = product;
  image.strings[2] = product;
  return image;
}

// The overflow is an I/O error on that report only: skipped, as NUT 2.8.5's hid_ups_walk skips
// LIBUSB_ERROR_OVERFLOW, so the value is missing but the device stays.
TEST(Maxreport, WithoutItAnOversizedReportIsSkipped) {
  UpsState state;
  std::unique_ptr<UpsDevice> device;
  auto sim = std::make_shared<SimDevice>(oversized_report_image("Back-UPS ES 850G2"));
  ASSERT_TRUE(start(sim, {}, state, device).ok());
  EXPECT_FALSE(device->max_report());
  EXPECT_EQ(state.value("battery.charge"), nullptr);
}

TEST(Maxreport, TheFlagReadsTheOversizedReport) {
  UpsState state;
  std::unique_ptr<UpsDevice> device;
  auto sim = std::make_shared<SimDevice>(oversized_report_image("Back-UPS ES 850G2"));
  ASSERT_TRUE(start(sim, {{"maxreport", std::nullopt}}, state, device).ok());
  EXPECT_TRUE(device->max_report());
  EXPECT_EQ(*state.value("battery.charge"), "100");
}

TEST(Maxreport, NutsApcQuirkTurnsItOnForBackUpsEs525) {
  UpsState state;
  std::unique_ptr<UpsDevice> device;
  auto sim = std::make_shared<SimDevice>(oversized_report_image("Back-UPS ES 525"));
  ASSERT_TRUE(start(sim, {}, state, device).ok());
  EXPECT_TRUE(device->max_report());
  EXPECT_EQ(*state.value("battery.charge"), "100");
}

// apc-hid.c's fix (NUT #1189): Back-UPS XS 1400U declares Voltage (report 0x31) as 75..140
// while HighVoltageTransfer goes to 280; NUT widens Voltage to 0..560 unless told not to.
TEST(DisableFixReportDesc, KeepsTheDescriptorAsTheDeviceDeclaresIt) {
  SimDeviceImage image = image_of(kXs1400);
  image.reports[0x31] = {0x31, 0xe6, 0x00};  // 230 V
  UpsState fixed, raw;
  std::unique_ptr<UpsDevice> device;
  ASSERT_TRUE(start(std::make_shared<SimDevice>(image), {}, fixed, device).ok());
  ASSERT_TRUE(start(std::make_shared<SimDevice>(image), {{"disable_fix_report_desc", std::nullopt}},
                    raw, device)
                  .ok());
  ASSERT_NE(fixed.value("input.voltage"), nullptr);
  EXPECT_EQ(*fixed.value("input.voltage"), "230.0");
  const std::string* unfixed = raw.value("input.voltage");
  EXPECT_TRUE(unfixed == nullptr || *unfixed != "230.0");
}

TEST(PollOnly, TurnsTheInterruptPipeOff) {
  UpsState state;
  std::unique_ptr<UpsDevice> device;
  ASSERT_TRUE(start(std::make_shared<SimDevice>(image_of(kEs850)), {}, state, device).ok());
  EXPECT_TRUE(device->interrupts_enabled());
  ASSERT_TRUE(start(std::make_shared<SimDevice>(image_of(kEs850)), {{"pollonly", std::nullopt}},
                    state, device)
                  .ok());
  EXPECT_FALSE(device->interrupts_enabled());
}

TEST(InterruptPipeNoEventsTolerance, CountsQuietPollsAsNutDoes) {
  EXPECT_FALSE(interrupt_pipe_too_quiet(1000, -1));  // the default: never
  EXPECT_FALSE(interrupt_pipe_too_quiet(2, 2));
  EXPECT_TRUE(interrupt_pipe_too_quiet(3, 2));
  EXPECT_TRUE(interrupt_pipe_too_quiet(1, 0));
}

TEST(WaitBeforeReconnect, IsTheLeastDelayBeforeEveryAttempt) {
  EXPECT_EQ(reconnect_delay(1, 2s, 0s), 1000ms);
  EXPECT_EQ(reconnect_delay(1, 2s, 15s), 15000ms);
  EXPECT_EQ(reconnect_delay(9, 2s, 15s), 15000ms);
  EXPECT_EQ(reconnect_delay(9, 2s, 3s), 8000ms);
}

TEST(Sdcommands, ReplaceTheShutdownSequenceWithShutdownDefaultExpanded) {
  EXPECT_EQ(shutdown_commands(std::nullopt).front(), "shutdown.return");
  EXPECT_EQ(shutdown_commands(std::string("load.off, shutdown.default")),
            (std::vector<std::string>{"load.off", "shutdown.return", "shutdown.reboot",
                                      "load.off.delay", "shutdown.stayoff"}));
}

TEST(Reload, ChangedSettingsFailReloadOrErrorAndEndReloadOrExit) {
  EXPECT_EQ(reload_outcome("driver.reload-or-error", 0).status, 0);
  EXPECT_EQ(reload_outcome("driver.reload-or-error", 1).status, 2);
  EXPECT_TRUE(reload_outcome("driver.reload-or-exit", 1).exit);
  EXPECT_FALSE(reload_outcome("driver.reload-or-exit", 0).exit);
  EXPECT_FALSE(reload_outcome("driver.reload", 3).exit);
  EXPECT_EQ(reload_outcome("driver.reload", 3).status, 0);
}

class QuietPipeTest : public ::testing::Test {
 protected:
  // Runs a loop on the ES 850G2 (whose recorded interrupts are drained at start) with
  // pollinterval 1 and `settings`; true when it went stale within `limit`.
  bool goes_stale(std::vector<Setting> settings, std::chrono::seconds limit) {
    SimDeviceImage image = image_of(kEs850);
    image.interrupts.clear();
    settings.push_back({"pollinterval", "1"});
    UpsState state;
    std::unique_ptr<UpsDevice> device;
    EXPECT_TRUE(start(std::make_shared<SimDevice>(image), settings, state, device).ok());
    asio::io_context io;
    std::optional<UpsState> latest;
    DriverLoop loop(io, *device, state, [&](const UpsState& s) { latest = s; });
    loop.start();
    auto guard = asio::make_work_guard(io);
    const auto deadline = Clock::now() + limit;
    bool stale = false;
    while (!stale && Clock::now() < deadline) {
      io.run_for(20ms);
      stale = latest && !latest->data_ok();
    }
    loop.stop();
    return stale;
  }
};

TEST_F(QuietPipeTest, ToleranceZeroReconnectsAfterOneQuietPoll) {
  EXPECT_TRUE(goes_stale({{"interrupt_pipe_no_events_tolerance", "0"}}, 10s));
}

TEST_F(QuietPipeTest, ByDefaultAQuietPipeIsHealthy) {
  EXPECT_FALSE(goes_stale({}, 4s));
}

}  // namespace
}  // namespace walnut::usbhid
