// The silent interrupt pipe (docs/field-failures.md row 1, NUT #2644/#2805): walnut's default
// cross-check of GET_REPORT against the pipe, and NUT's interrupt_pipe_no_events_tolerance,
// on the simulated Back-UPS ES 850G2 with the loop turned by the test on a simulated clock, so
// half an hour of polling takes a second or two and nothing depends on real timing.
#include <chrono>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "drivers/usbhid/driver_info.h"
#include "drivers/usbhid/driver_loop.h"
#include "drivers/usbhid/sim/report_binding.h"
#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_transport.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {
namespace {

using namespace std::chrono_literals;
using Clock = DriverLoop::Clock;

constexpr const char* kEs850 = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";

bool on_battery(const UpsState& state) {
  const std::string* status = state.value("ups.status");
  return status != nullptr && status->find("OB") != std::string::npos;
}

class SilentPipeTest : public ::testing::Test {
 protected:
  // Opens the ES 850G2 (its recorded interrupts drained) with pollinterval 2 and `settings`,
  // and primes a loop on the simulated clock.
  void open(std::vector<Setting> settings = {}) {
    auto image = load_sim_image(kEs850);
    ASSERT_TRUE(image.ok()) << image.error();
    image->interrupts.clear();
    sim_ = std::make_shared<SimDevice>(*image);
    settings.insert(settings.begin(), Setting{"port", "sim:test"});
    settings.push_back({"pollinterval", "2"});
    auto options = make_driver_options(settings);
    ASSERT_TRUE(options.ok()) << options.error();
    device_ = std::make_unique<UpsDevice>(std::make_unique<SimTransport>(sim_), *options);
    ASSERT_TRUE(device_->open().ok());
    UpsState state;
    ASSERT_TRUE(start_state(*device_, "walnut sim", state).ok());
    ASSERT_FALSE(on_battery(state));
    loop_.emplace(io_, *device_, state, [this](const UpsState& s) { published(s); },
                  [this] { return now_; });
    loop_->start_driven();
    drain();
  }

  // Delivers the snapshots the loop posted (poll() stops the context when it runs dry).
  void drain() {
    io_.restart();
    io_.poll();
  }

  void published(const UpsState& state) {
    latest_ = state;
    if (!state.data_ok()) ++stale_snapshots_;
    if (on_battery(state) && !first_ob_) first_ob_ = now_;
  }

  // One simulated step: an interrupt read just before the loop's next due time (at most a
  // couple of real milliseconds), `between` (the world changing after that read), then the
  // poll or reattach that is due.
  void step(const std::function<void()>& between = {}) {
    const auto due = loop_->next_due();
    if (now_ < due - 1ms) now_ = due - 1ms;
    loop_->turn();
    drain();
    if (between) between();
    now_ = std::max(now_, loop_->next_due());
    loop_->turn();
    drain();
  }
  void run_for(Clock::duration span) {
    const auto end = now_ + span;
    while (now_ < end) step();
  }

  // The ES 850G2's reports with utility power gone, as the simulator's physics writes them.
  void mains(bool present) {
    auto binding = sim::ReportBinding::from_descriptor(sim_->image().report_descriptor);
    ASSERT_TRUE(binding.ok()) << binding.error();
    const sim::ReportLookup lookup = [this](std::uint8_t id) { return sim_->report(id); };
    sim::UpsPhysics ups;
    binding->calibrate(ups, lookup);
    ups.mains = present;
    for (auto& [id, bytes] : binding->render(ups, binding->read_limits(lookup), lookup)) {
      sim_->set_report(id, bytes);  // an Input report also goes on the pipe, unless silent
    }
  }

  asio::io_context io_;
  std::shared_ptr<SimDevice> sim_;
  std::unique_ptr<UpsDevice> device_;
  Clock::time_point now_ = Clock::time_point{} + 24h;
  std::optional<DriverLoop> loop_;
  std::optional<UpsState> latest_;
  int stale_snapshots_ = 0;
  std::optional<Clock::time_point> first_ob_;
};

TEST(PowerSourceChanged, ComparesOnlyOlAndOb) {
  EXPECT_TRUE(power_source_changed("OL", "OB DISCHRG"));
  EXPECT_TRUE(power_source_changed("OB DISCHRG LB", "OL CHRG"));
  EXPECT_TRUE(power_source_changed("", "OB"));
  EXPECT_FALSE(power_source_changed("OL", "OL DISCHRG"));  // self-test
  EXPECT_FALSE(power_source_changed("OB DISCHRG", "OB DISCHRG LB"));  // a debounced LB
  EXPECT_FALSE(power_source_changed("OL CHRG", "OL RB"));
}

TEST(InterruptPipeDead, OnlyWhenTheRereadStillHasNoReport) {
  EXPECT_FALSE(interrupt_pipe_dead(0));
  EXPECT_FALSE(interrupt_pipe_dead(1));
  EXPECT_TRUE(interrupt_pipe_dead(2));
}

// (a) A healthy pipe that is quiet for half an hour, with power events it does report (one
// of them landing just before a walk, so GET_REPORT sees it before the pipe's report is
// read): never a reconnect, never stale.
TEST_F(SilentPipeTest, AHealthyQuietPipeNeverReconnectsOverThirtyMinutes) {
  open();
  run_for(10min);
  mains(false);
  run_for(1min);
  ASSERT_TRUE(latest_ && on_battery(*latest_));
  mains(true);
  run_for(9min);
  ASSERT_FALSE(on_battery(*latest_));
  step([this] { mains(false); });  // the walk reads the change before the pipe's report
  run_for(1min);
  EXPECT_TRUE(on_battery(*latest_));
  step([this] { mains(true); });
  run_for(9min);
  EXPECT_FALSE(on_battery(*latest_));
  EXPECT_EQ(loop_->losses(), 0u);
  EXPECT_EQ(stale_snapshots_, 0);
  EXPECT_TRUE(latest_->data_ok());
}

// (b) The APC fault: the pipe goes silent, then mains drops. Quick walks leave the status
// reports to the pipe (issue 19: no re-polling of what the pipe delivers), so GET_REPORT's OB is
// published by the next full walk, the cross-check every pollfreq; the re-read finds the pipe
// still silent, the device is reopened (stale meanwhile) and comes back on battery.
TEST_F(SilentPipeTest, ADeadPipeDuringAPowerCutIsSeenAndTheDeviceReopened) {
  open();
  run_for(5min);
  sim_->set_interrupt_pipe_silent(true);
  run_for(5min);
  ASSERT_EQ(loop_->losses(), 0u);  // silent and unchanged: nothing to tell yet
  const auto cut = now_;
  mains(false);
  run_for(1min);
  ASSERT_TRUE(first_ob_.has_value());
  EXPECT_LE(*first_ob_ - cut, device_->options().poll_freq);
  EXPECT_EQ(loop_->losses(), 1u);
  EXPECT_GE(stale_snapshots_, 1);
  EXPECT_TRUE(latest_->data_ok());
  EXPECT_TRUE(on_battery(*latest_));
  // Still silent after the reopen, but nothing changes: no reconnect loop.
  run_for(10min);
  EXPECT_EQ(loop_->losses(), 1u);
}

// (c) NUT's option is unchanged: with tolerance 2 the third quiet poll reopens the device; by
// default (-1) a quiet pipe never does.
TEST_F(SilentPipeTest, NoEventsToleranceStillReopensAfterNPlusOneQuietPolls) {
  open({{"interrupt_pipe_no_events_tolerance", "2"}});
  step();
  step();
  EXPECT_EQ(loop_->losses(), 0u);
  step();
  EXPECT_EQ(loop_->losses(), 1u);
  EXPECT_EQ(stale_snapshots_, 1);
}

TEST_F(SilentPipeTest, NoEventsToleranceDefaultNeverReopensAQuietPipe) {
  open();
  run_for(30min);
  EXPECT_EQ(loop_->losses(), 0u);
}

}  // namespace
}  // namespace walnut::usbhid
