// Tests of the simulated UPS (drivers/usbhid/transport/sim_device.cpp, sim_transport.cpp,
// sim_capture.cpp) and the port factory (factory.cpp). They live here rather than under
// transport/ because that folder's tests belong to the USB backends.
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "drivers/usbhid/transport/factory.h"
#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_device.h"
#include "drivers/usbhid/transport/sim_transport.h"

namespace walnut::usbhid {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

SimDeviceImage small_image() {
  SimDeviceImage image;
  image.info.vendor_id = 0x051d;
  image.info.product_id = 0x0002;
  image.info.vendor = "American Power Conversion";
  image.info.product = "Back-UPS ES 850G2";
  image.info.serial = "4B1234P56789";
  image.strings = {{1, "American Power Conversion"}, {2, "Back-UPS ES 850G2"}, {4, "PbAc"}};
  image.report_descriptor = {0x05, 0x84};
  image.reports[0x0c] = {0x0c, 0x64, 0x64, 0x03};
  image.feature_lengths = {{0x0c, 4}, {0x16, 5}};
  image.input_lengths = {{0x0c, 4}, {0x16, 5}};
  image.interrupts = {{0x16, 0x0c, 0, 0, 0}, {0x0c, 0x50, 0x10, 0x02}};
  return image;
}

struct Opened {
  std::shared_ptr<SimDevice> device;
  SimTransport transport;
  explicit Opened(SimDeviceImage image)
      : device(std::make_shared<SimDevice>(std::move(image))), transport(device) {}
};

Bytes get(Transport& transport, std::uint8_t id, std::size_t size = 64) {
  Bytes buffer(size, 0xee);
  IoResult result = transport.get_feature_report(id, buffer);
  if (result.status != IoStatus::kOk) return {};
  buffer.resize(result.size);
  return buffer;
}

std::string temp_path(const char* name) {
  return ::testing::TempDir() + name + std::to_string(::getpid());
}

// The sim's slow bus (usb slow MS timeout N): every N-th GET_REPORT times out, the others
// answer; counted, not timed (1 ms waits).
TEST(SimDevice, ASlowBusTimesOutEveryNthGetReport) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  sim.device->set_slow_bus({std::chrono::milliseconds(1), 3, std::chrono::milliseconds(1)});
  int timeouts = 0;
  int answers = 0;
  for (int i = 0; i < 9; ++i) {
    Bytes buffer(8);
    const IoStatus status = sim.transport.get_feature_report(0x0c, buffer).status;
    timeouts += status == IoStatus::kTimeout;
    answers += status == IoStatus::kOk;
  }
  EXPECT_EQ(timeouts, 3);
  EXPECT_EQ(answers, 6);
  sim.device->set_slow_bus({});
  EXPECT_EQ(get(sim.transport, 0x0c), (Bytes{0x0c, 0x64, 0x64, 0x03}));
}

TEST(SimDevice, ABusyDeviceCannotBeOpenedButAnOpenHandleKeepsWorking) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  sim.device->set_busy(true);
  EXPECT_EQ(get(sim.transport, 0x0c), (Bytes{0x0c, 0x64, 0x64, 0x03}));
  SimTransport second(sim.device);
  const Status opened = second.open({});
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("held by another process"), std::string::npos);
  sim.device->set_busy(false);
  EXPECT_TRUE(second.open({}).ok());
}

TEST(SimDevice, ServesRecordedReportsAndZeroFillsOthersToTheirLength) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  EXPECT_EQ(get(sim.transport, 0x0c), (Bytes{0x0c, 0x64, 0x64, 0x03}));
  EXPECT_EQ(get(sim.transport, 0x16), (Bytes{0x16, 0, 0, 0, 0}));
  Bytes buffer(8);
  EXPECT_EQ(sim.transport.get_feature_report(0x42, buffer).status, IoStatus::kStall);
}

TEST(SimDevice, AnInputOnlyReportStallsFeatureReadsUntilThePipeSendsIt) {
  // As fakeusb.c (stock NUT's stand-in) and real devices do: found by the parity suite, where
  // walnut's explore printed "Value: 0" for an Input-only report stock NUT could not read.
  SimDeviceImage image = small_image();
  image.input_lengths[0x89] = 2;
  image.interrupts = {{0x89, 0x07}};
  Opened sim(std::move(image));
  ASSERT_TRUE(sim.transport.open({}).ok());
  Bytes buffer(8);
  EXPECT_EQ(sim.transport.get_feature_report(0x89, buffer).status, IoStatus::kStall);
  ASSERT_EQ(sim.transport.read_interrupt(buffer, 1s).status, IoStatus::kOk);
  EXPECT_EQ(get(sim.transport, 0x89), (Bytes{0x89, 0x07}));
}

TEST(SimDevice, ShortBufferGetsThePrefix) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  EXPECT_EQ(get(sim.transport, 0x0c, 2), (Bytes{0x0c, 0x64}));
}

TEST(SimDevice, SetReportChangesStateAndIsLoggedLikeFakeusb) {
  const std::string log = temp_path("sim-set-log");
  std::remove(log.c_str());
  Opened sim(small_image());
  sim.device->set_report_log(log);
  ASSERT_TRUE(sim.transport.open({}).ok());
  const Bytes write = {0x0c, 0x32, 0x00, 0x01};
  EXPECT_EQ(sim.transport.set_feature_report(0x0c, write).status, IoStatus::kOk);
  EXPECT_EQ(get(sim.transport, 0x0c), write);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "SET_REPORT 0x0c: 0c 32 00 01\n");
  std::remove(log.c_str());
}

TEST(SimDevice, CaptureInterruptsComeFirstInOrderThenTimeout) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  Bytes buffer(16);
  IoResult first = sim.transport.read_interrupt(buffer, 10ms);
  ASSERT_EQ(first.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + first.size), (Bytes{0x16, 0x0c, 0, 0, 0}));
  IoResult second = sim.transport.read_interrupt(buffer, 10ms);
  ASSERT_EQ(second.status, IoStatus::kOk);
  EXPECT_EQ(buffer[0], 0x0c);
  // What the pipe delivered is the report's state from then on.
  EXPECT_EQ(get(sim.transport, 0x0c), (Bytes{0x0c, 0x50, 0x10, 0x02}));
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 10ms).status, IoStatus::kTimeout);
}

TEST(SimDevice, ChangingAnInputReportSendsAnInterrupt) {
  SimDeviceImage image = small_image();
  image.interrupts.clear();
  Opened sim(std::move(image));
  ASSERT_TRUE(sim.transport.open({}).ok());
  sim.device->set_report(0x0c, {0x0c, 0x64, 0x64, 0x03});  // unchanged: nothing sent
  Bytes buffer(16);
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 10ms).status, IoStatus::kTimeout);
  std::thread later([&] {
    std::this_thread::sleep_for(20ms);
    sim.device->set_report(0x0c, {0x0c, 0x10, 0x00, 0x00});
  });
  IoResult result = sim.transport.read_interrupt(buffer, 10s);
  later.join();
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + result.size), (Bytes{0x0c, 0x10, 0, 0}));
}

// Transport::wake_interrupt_read: a read in progress (or else the next one) ends at once with
// a timeout; reports still come through afterwards.
TEST(SimDevice, AWakeEndsAnInterruptReadAndReportsStillComeThrough) {
  SimDeviceImage image = small_image();
  image.interrupts.clear();
  Opened sim(std::move(image));
  ASSERT_TRUE(sim.transport.open({}).ok());
  ASSERT_TRUE(sim.transport.interrupt_read_wakeable());
  Bytes buffer(16);
  // Far longer than the test: only the wake ends these reads.
  sim.transport.wake_interrupt_read();
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 1h).status, IoStatus::kTimeout);
  std::thread later([&] {
    std::this_thread::sleep_for(20ms);
    sim.transport.wake_interrupt_read();
  });
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 1h).status, IoStatus::kTimeout);
  later.join();
  sim.device->set_report(0x0c, {0x0c, 0x10, 0x00, 0x00});
  IoResult result = sim.transport.read_interrupt(buffer, 1h);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + result.size), (Bytes{0x0c, 0x10, 0, 0}));
}

TEST(SimDevice, AnEmptyReportIsStoredButNeverSentOnThePipe) {
  SimDeviceImage image = small_image();
  image.interrupts.clear();
  Opened sim(std::move(image));
  ASSERT_TRUE(sim.transport.open({}).ok());
  sim.device->set_report(0x0c, {});
  Bytes buffer(16);
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 10ms).status, IoStatus::kTimeout);
}

TEST(SimDevice, UnplugFailsTheHandleAndReplugNeedsAReopen) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  sim.device->unplug();
  Bytes buffer(8);
  EXPECT_EQ(sim.transport.get_feature_report(0x0c, buffer).status, IoStatus::kDeviceGone);
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 10ms).status, IoStatus::kDeviceGone);
  EXPECT_FALSE(sim.transport.open({}).ok());
  sim.device->replug();
  EXPECT_EQ(sim.transport.get_feature_report(0x0c, buffer).status, IoStatus::kDeviceGone);
  ASSERT_TRUE(sim.transport.open({}).ok());
  EXPECT_EQ(sim.transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
}

TEST(SimDevice, UnplugWakesABlockedInterruptRead) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  Bytes buffer(16);
  while (sim.transport.read_interrupt(buffer, 1ms).status == IoStatus::kOk) {
  }
  std::thread later([&] {
    std::this_thread::sleep_for(20ms);
    sim.device->unplug();
  });
  EXPECT_EQ(sim.transport.read_interrupt(buffer, 30s).status, IoStatus::kDeviceGone);
  later.join();
}

TEST(SimTransport, OpenAppliesTheMatchCriteria) {
  Opened sim(small_image());
  MatchCriteria other_vendor;
  other_vendor.vendor_id = "0764";
  EXPECT_FALSE(sim.transport.open(other_vendor).ok());
  MatchCriteria same;
  same.vendor_id = "051D";
  same.serial = "4B1234P.*";
  EXPECT_TRUE(sim.transport.open(same).ok());
}

TEST(SimTransport, AnswersStringDescriptors) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  EXPECT_EQ(*sim.transport.string_descriptor(4), "PbAc");
  EXPECT_EQ(*sim.transport.string_descriptor(0), "");
  EXPECT_FALSE(sim.transport.string_descriptor(9).ok());
}

TEST(SimCapture, LoadsACorpusDeviceWithItsDescriptorLengths) {
  auto image = load_sim_image(WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt");
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->info.vendor_id, 0x051d);
  EXPECT_EQ(image->info.product_id, 0x0002);
  EXPECT_EQ(image->info.product, "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2");
  EXPECT_EQ(image->report_descriptor.size(), 1049u);
  EXPECT_EQ(image->reports.at(0x0c), (Bytes{0x0c, 0x64, 0x64, 0x03}));
  // Report 0x0c: RemainingCapacity (8 bits) + RunTimeToEmpty (16 bits) = 1 + 3 bytes.
  EXPECT_EQ(image->feature_lengths.at(0x0c), 4u);
  EXPECT_EQ(image->input_lengths.at(0x0c), 4u);
}

TEST(SimCapture, NamesTheFileInErrors) {
  auto missing = load_sim_image("/nonexistent/capture.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/nonexistent/capture.txt"), std::string::npos);
}

TEST(PortFactory, ChoosesTheBackendFromThePortString) {
  EXPECT_EQ(parse_port("auto")->kind, PortKind::kLibusb);
  EXPECT_EQ(parse_port("/dev/usb/hiddev0")->kind, PortKind::kLibusb);  // NUT ignores it
  EXPECT_EQ(parse_port("hidraw")->kind, PortKind::kHidapi);
  auto node = parse_port("/dev/hidraw3");
  EXPECT_EQ(node->kind, PortKind::kHidapi);
  EXPECT_EQ(node->path, "/dev/hidraw3");
  auto sim = parse_port("sim:tests/data/x.txt");
  EXPECT_EQ(sim->kind, PortKind::kSim);
  EXPECT_EQ(sim->path, "tests/data/x.txt");
  EXPECT_FALSE(parse_port("sim:").ok());
}

TEST(PortFactory, BuildsASimTransportFromACapture) {
  auto transport = make_transport(
      {PortKind::kSim, WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt"});
  ASSERT_TRUE(transport.ok()) << transport.error();
  ASSERT_TRUE((*transport)->open({}).ok());
  EXPECT_EQ((*transport)->info().vendor_id, 0x051d);
  EXPECT_FALSE(make_transport({PortKind::kSim, "/nonexistent"}).ok());
}

TEST(PortFactory, OnlyTheSimAsksForSignals) {
  Opened sim(small_image());
  ASSERT_TRUE(sim.transport.open({}).ok());
  std::vector<SignalAction> actions = signal_actions(sim.transport);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].signal, SIGUSR1);
  EXPECT_EQ(actions[1].signal, SIGUSR2);
  Bytes buffer(8);
  actions[0].action();  // SIGUSR1: unplugged
  EXPECT_EQ(sim.transport.get_feature_report(0x0c, buffer).status, IoStatus::kDeviceGone);
  actions[1].action();  // SIGUSR2: back, after a reopen
  ASSERT_TRUE(sim.transport.open({}).ok());
  EXPECT_EQ(sim.transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
  auto libusb = make_transport({PortKind::kLibusb, ""});
  if (libusb.ok()) {
    EXPECT_TRUE(signal_actions(**libusb).empty());
  }
}

}  // namespace
}  // namespace walnut::usbhid
