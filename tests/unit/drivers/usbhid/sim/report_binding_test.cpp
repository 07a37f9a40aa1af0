// Tests of drivers/usbhid/sim/report_binding.cpp on the APC Back-UPS ES 850G2's descriptor.
#include "drivers/usbhid/sim/report_binding.h"

#include <gtest/gtest.h>

#include "drivers/usbhid/transport/sim_capture.h"

namespace walnut::usbhid::sim {
namespace {

using Bytes = std::vector<std::uint8_t>;

class ReportBindingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto image = load_sim_image(WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt");
    ASSERT_TRUE(image) << image.error();
    image_ = std::move(*image);
    auto binding = ReportBinding::from_descriptor(image_.report_descriptor);
    ASSERT_TRUE(binding) << binding.error();
    binding_.emplace(std::move(*binding));
  }
  ReportLookup lookup() const {
    return [this](std::uint8_t id) -> std::optional<ReportBytes> {
      auto found = image_.reports.find(id);
      if (found == image_.reports.end()) return std::nullopt;
      return found->second;
    };
  }
  SimDeviceImage image_;
  std::optional<ReportBinding> binding_;
};

TEST_F(ReportBindingTest, CalibratesFromTheCaptureAndReadsItsLimits) {
  UpsPhysics ups;
  binding_->calibrate(ups, lookup());
  EXPECT_EQ(ups.load, 34);
  EXPECT_EQ(ups.charge, 100);
  EXPECT_EQ(ups.full_runtime, 868);
  EXPECT_EQ(ups.utility_voltage, 228);
  const UpsLimits limits = binding_->read_limits(lookup());
  EXPECT_EQ(limits.capacity_limit, 10);
  EXPECT_EQ(limits.runtime_limit, 120);
  EXPECT_EQ(limits.low_transfer, 180);
  EXPECT_EQ(limits.high_transfer, 266);
  EXPECT_EQ(limits.nominal_voltage, 230);
}

TEST_F(ReportBindingTest, OnLineAtFullChargeRendersTheCapturedStatusBytes) {
  UpsPhysics ups;
  binding_->calibrate(ups, lookup());
  auto reports = binding_->render(ups, binding_->read_limits(lookup()), lookup());
  EXPECT_EQ(reports.at(0x16), image_.reports.at(0x16));  // PresentStatus: ACPresent, BatteryPresent
  EXPECT_EQ(reports.at(0x0c), image_.reports.at(0x0c));  // 100 %, 868 s
  EXPECT_EQ(reports.at(0x13), image_.reports.at(0x13));  // ACPresent 1
  EXPECT_EQ(reports.at(0x15), image_.reports.at(0x15));  // no shutdown pending: -1
}

TEST_F(ReportBindingTest, OnBatteryLowRendersEveryCopyOfTheStatus) {
  UpsPhysics ups;
  binding_->calibrate(ups, lookup());
  ups.mains = false;
  ups.charge = 5;
  auto reports = binding_->render(ups, binding_->read_limits(lookup()), lookup());
  // PresentStatus bits: Charging 0, Discharging 1, ACPresent 0, BatteryPresent 1,
  // BelowRemainingCapacityLimit 1, ShutdownImminent 0, RemainingTimeLimitExpired 1.
  EXPECT_EQ(reports.at(0x16), (Bytes{0x16, 0x5a, 0x00, 0x00, 0x00}));
  EXPECT_EQ(reports.at(0x13), (Bytes{0x13, 0x00}));
  EXPECT_EQ(reports.at(0x14)[1], 1);                       // BelowRemainingCapacityLimit
  EXPECT_EQ(reports.at(0x06)[1], 0);                       // Charging
  EXPECT_EQ(reports.at(0x06)[2], 1);                       // Discharging
  EXPECT_EQ(reports.at(0x0c)[1], 5);                       // RemainingCapacity
  EXPECT_EQ(reports.at(0x0c)[2] | reports.at(0x0c)[3] << 8, 43);  // RunTimeToEmpty
  EXPECT_EQ(reports.at(0x22), (Bytes{0x22, 5}));           // Battery.RemainingCapacity
  EXPECT_EQ(reports.at(0x31), (Bytes{0x31, 0, 0}));        // Input.Voltage
  EXPECT_EQ(reports.at(0x06)[3], image_.reports.at(0x06)[3]);  // APCStatusFlag kept
}

TEST_F(ReportBindingTest, HostWritesStartTimersAndSelfTests) {
  UpsPhysics ups;
  binding_->apply_host_write(0x40, Bytes{0x40, 0x0a}, ups);  // shutdown.reboot (usbhid-ups -k)
  ASSERT_TRUE(ups.shutdown_timer.has_value());
  EXPECT_EQ(*ups.shutdown_timer, 10);  // beyond the field's declared maximum of 1, as sent
  EXPECT_TRUE(ups.shutdown_is_reboot);
  auto reports = binding_->render(ups, binding_->read_limits(lookup()), lookup());
  EXPECT_EQ(reports.at(0x40), (Bytes{0x40, 0x0a}));
  EXPECT_EQ(reports.at(0x15), (Bytes{0x15, 0xff, 0xff}));
  binding_->apply_host_write(0x15, Bytes{0x15, 0x14, 0x00}, ups);  // load.off.delay 20
  EXPECT_EQ(*ups.shutdown_timer, 20);
  EXPECT_FALSE(ups.shutdown_is_reboot);
  binding_->apply_host_write(0x15, Bytes{0x15, 0xff, 0xff}, ups);  // shutdown.stop
  EXPECT_FALSE(ups.shutdown_timer.has_value());
  binding_->apply_host_write(0x21, Bytes{0x21, 0x01}, ups);  // test.battery.start.quick
  EXPECT_EQ(ups.test, SelfTest::kInProgress);
}

// A user's capture without a line reading, from a 120 V model (CyberPower CP1500PFCLCD:
// Input.Voltage 0, transfer points 78-136 V): the model starts on a good line, not on battery.
TEST(ReportBinding, ACaptureWithoutALineReadingStartsBetweenItsTransferPoints) {
  auto image = load_sim_image(WALNUT_TEST_DATA_DIR "/hid-corpus/cyberpower-cp1500pfclcd.txt");
  ASSERT_TRUE(image) << image.error();
  auto binding = ReportBinding::from_descriptor(image->report_descriptor);
  ASSERT_TRUE(binding) << binding.error();
  ReportLookup lookup = [&image](std::uint8_t id) -> std::optional<ReportBytes> {
    auto found = image->reports.find(id);
    if (found == image->reports.end()) return std::nullopt;
    return found->second;
  };
  UpsPhysics ups;
  binding->calibrate(ups, lookup);
  const UpsLimits limits = binding->read_limits(lookup);
  EXPECT_EQ(limits.low_transfer, 78);
  EXPECT_EQ(limits.high_transfer, 136);
  EXPECT_EQ(ups.utility_voltage, 107);
  EXPECT_TRUE(line_ok(ups, limits));
}

TEST(ReportBinding, RefusesADescriptorWithoutAUpsInIt) {
  const Bytes mouse = {0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x30, 0x15, 0x00, 0x25, 0x7f,
                       0x75, 0x08, 0x95, 0x01, 0x81, 0x02, 0xc0};
  EXPECT_FALSE(ReportBinding::from_descriptor(mouse));
}

}  // namespace
}  // namespace walnut::usbhid::sim
