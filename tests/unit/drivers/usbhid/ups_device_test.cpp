// UpsDevice (ups_device.cpp): how command plans reach the device, the model's options, and the
// GET sizes and descriptor fix the model decides.
#include "drivers/usbhid/ups_device.h"

#include <gtest/gtest.h>

#include <set>

#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_device.h"
#include "drivers/usbhid/transport/sim_transport.h"

namespace walnut::usbhid {
namespace {

using Bytes = std::vector<std::uint8_t>;
const char* kCapture = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";

// The simulated UPS, refusing SET_REPORT for some report IDs and counting GET sizes.
class PickyTransport : public SimTransport {
 public:
  using SimTransport::SimTransport;
  std::set<std::uint8_t> refuse;
  std::vector<std::uint8_t> sent;
  std::vector<std::size_t> asked;
  IoResult set_feature_report(std::uint8_t id, std::span<const std::uint8_t> data) override {
    if (refuse.count(id) != 0) return {IoStatus::kStall, 0};
    sent.push_back(id);
    return SimTransport::set_feature_report(id, data);
  }
  int fail_next = 0;  // GETs to answer with an I/O error (EPROTO, EIO)
  IoResult get_feature_report(std::uint8_t id, std::span<std::uint8_t> buffer) override {
    asked.push_back(buffer.size());
    if (fail_next > 0) {
      --fail_next;
      return {IoStatus::kIoError, 0};
    }
    return SimTransport::get_feature_report(id, buffer);
  }
};

std::unique_ptr<PickyTransport> picky() {
  auto image = load_sim_image(kCapture);
  EXPECT_TRUE(image.ok());
  auto transport = std::make_unique<PickyTransport>(std::make_shared<SimDevice>(std::move(*image)));
  EXPECT_TRUE(transport->open({}).ok());
  return transport;
}

mapping::ReportWrite write(std::uint8_t id, bool ignore_failure = false) {
  return mapping::ReportWrite{id, Bytes{id, 0x00}, std::chrono::milliseconds(0), ignore_failure};
}

bool never_lost(IoStatus) { return false; }

TEST(SendPlan, AFailedWriteStopsThePlanAndAnswersOnWriteFailure) {
  auto transport = picky();
  transport->refuse = {0x11};
  mapping::CommandPlan plan{mapping::CommandStatus::kHandled, {write(0x10), write(0x11), write(0x12)},
                            mapping::CommandStatus::kUnknown};
  PlanResult result = send_plan(*transport, plan, never_lost);
  EXPECT_EQ(result.status, static_cast<int>(mapping::CommandStatus::kUnknown));  // setvar's answer
  EXPECT_TRUE(result.wrote);                                                     // 0x10 went through
  EXPECT_EQ(transport->sent, (std::vector<std::uint8_t>{0x10}));
}

TEST(SendPlan, AWriteNutIgnoresDoesNotStopThePlan) {
  auto transport = picky();
  transport->refuse = {0x10};
  mapping::CommandPlan plan{mapping::CommandStatus::kHandled, {write(0x10, true), write(0x11)},
                            mapping::CommandStatus::kFailed};
  PlanResult result = send_plan(*transport, plan, never_lost);
  EXPECT_EQ(result.status, static_cast<int>(mapping::CommandStatus::kHandled));
  EXPECT_EQ(transport->sent, (std::vector<std::uint8_t>{0x11}));
}

TEST(SendPlan, WritesBeforeAnImpossibleStepAreSentAndItsAnswerKept) {
  // NUT's shutdown.return has sent load.on.delay when load.off.delay turns out impossible.
  auto transport = picky();
  mapping::CommandPlan plan{mapping::CommandStatus::kFailed, {write(0x10)}, mapping::CommandStatus::kFailed};
  PlanResult result = send_plan(*transport, plan, never_lost);
  EXPECT_EQ(result.status, static_cast<int>(mapping::CommandStatus::kFailed));
  EXPECT_TRUE(result.wrote);
  EXPECT_EQ(transport->sent, (std::vector<std::uint8_t>{0x10}));
}

TEST(ModelOptionsFrom, TakesNutsSettings) {
  auto options = make_driver_options({{"port", "auto"}, {"lowbatt", "20"}, {"onlinedischarge", std::nullopt},
                                      {"override.ups.mfr", "Acme"}});
  ASSERT_TRUE(options.ok()) << options.error();
  mapping::ModelOptions model = model_options_from(*options);
  EXPECT_EQ(model.lowbatt, "20");
  EXPECT_TRUE(model.onlinedischarge);
  EXPECT_EQ(model.overrides.size(), 1u);
  EXPECT_FALSE(model.max_report_size);
}

// A UpsDevice on the picky simulated UPS, and its transport, to count and fail GETs.
class UpsDeviceWalk : public ::testing::Test {
 protected:
  void open(bool with_model = true) {
    auto transport = picky();
    seen = transport.get();
    auto options = make_driver_options({{"port", std::string("sim:") + kCapture}});
    ASSERT_TRUE(options.ok());
    device = std::make_unique<UpsDevice>(std::move(transport), *options);
    ASSERT_TRUE(device->open(with_model).ok());
  }

  PickyTransport* seen = nullptr;
  std::unique_ptr<UpsDevice> device;
};

TEST_F(UpsDeviceWalk, GetsAskForTheModelsRequestLength) {
  ASSERT_NO_FATAL_FAILURE(open());
  seen->asked.clear();
  UpsState state;
  ASSERT_TRUE(device->init(state).ok());
  ASSERT_FALSE(seen->asked.empty());
  // Report 0x0c is 4 bytes (ID, RemainingCapacity, RunTimeToEmpty): no max_report_size here.
  EXPECT_EQ(device->get_report(0x0c)->size(), 4u);
  EXPECT_EQ(seen->asked.back(), 4u);
}

// Serving drops the device's parsed descriptor and its bytes: walks, GETs and the published
// values come from the model's own copy (ASan sees any read of the released one).
TEST_F(UpsDeviceWalk, AReleasedDescriptorLeavesTheModelWhole) {
  ASSERT_NO_FATAL_FAILURE(open());
  UpsState before;
  ASSERT_TRUE(device->init(before).ok());
  ASSERT_EQ(device->walk(mapping::WalkMode::kFull, before), LinkStatus::kOk);
  ASSERT_FALSE(device->descriptor_bytes().empty());
  device->release_descriptor();
  EXPECT_TRUE(device->descriptor_bytes().empty());
  UpsState after;
  ASSERT_TRUE(device->init(after).ok());
  EXPECT_EQ(device->walk(mapping::WalkMode::kFull, after), LinkStatus::kOk);
  for (const char* name : {"battery.charge", "battery.runtime", "ups.status", "ups.model"}) {
    ASSERT_NE(before.value(name), nullptr) << name;
    ASSERT_NE(after.value(name), nullptr) << name;
    EXPECT_EQ(*after.value(name), *before.value(name)) << name;
  }
  EXPECT_EQ(device->get_report(0x0c)->size(), 4u);
  EXPECT_EQ(seen->asked.back(), 4u);
}

// NUT #661, #3576, #1853 (docs/field-failures.md #3): a walk whose every report failed once
// (a quick poll often asks one) asks the last one again before calling the device gone; the
// data never flaps for one transient error, and a device that keeps failing is still lost.
TEST_F(UpsDeviceWalk, AWalkThatOnlyFailedOnceAsksAgainBeforeCallingTheDeviceGone) {
  ASSERT_NO_FATAL_FAILURE(open());
  UpsState state;
  ASSERT_TRUE(device->init(state).ok());
  seen->asked.clear();
  ASSERT_EQ(device->walk(mapping::WalkMode::kQuick, state), LinkStatus::kOk);
  const int reports = static_cast<int>(seen->asked.size());
  ASSERT_GT(reports, 0);
  seen->fail_next = reports;  // every report of the walk fails once
  EXPECT_EQ(device->walk(mapping::WalkMode::kQuick, state), LinkStatus::kOk);
  EXPECT_EQ(seen->fail_next, 0);
  seen->fail_next = reports + 1;  // and the second asking too
  EXPECT_EQ(device->walk(mapping::WalkMode::kQuick, state), LinkStatus::kLost);
}

TEST_F(UpsDeviceWalk, ADescriptorStaysWithoutAModel) {
  ASSERT_NO_FATAL_FAILURE(open(false));  // explore, capture
  device->release_descriptor();
  EXPECT_FALSE(device->descriptor_bytes().empty());
  EXPECT_FALSE(device->descriptor().fields.empty());
}

// NUT 2.8.5 polls CyberPower devices in full every 12 s unless pollfreq is set (cps.yaml's
// `driver:`, usbhid-ups.c:1648); other subdrivers keep the 30 s default.
TEST(UpsDeviceDriverDefaults, CyberPowerPollsEvery12SecondsUnlessTold) {
  const std::string cps = WALNUT_TEST_DATA_DIR "/hid-corpus/cyberpower-cp1500pfclcd.txt";
  auto open = [](const std::string& capture, std::vector<Setting> settings) {
    settings.push_back({"port", "sim:" + capture});
    auto options = make_driver_options(settings);
    EXPECT_TRUE(options.ok());
    auto image = load_sim_image(capture);
    EXPECT_TRUE(image.ok()) << image.error();
    auto transport = std::make_unique<SimTransport>(std::make_shared<SimDevice>(std::move(*image)));
    EXPECT_TRUE(transport->open({}).ok());
    auto device = std::make_unique<UpsDevice>(std::move(transport), *options);
    EXPECT_TRUE(device->open().ok());
    return device;
  };
  EXPECT_EQ(open(cps, {})->options().poll_freq, std::chrono::seconds(12));
  EXPECT_EQ(open(cps, {{"pollfreq", std::string("45")}})->options().poll_freq, std::chrono::seconds(45));
  EXPECT_EQ(open(kCapture, {})->options().poll_freq, std::chrono::seconds(30));
}

}  // namespace
}  // namespace walnut::usbhid
