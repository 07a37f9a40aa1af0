// The hidapi transport (drivers/usbhid/transport/hidapi_transport.cpp) against the emulated UPS,
// through the unmodified hidapi-hidraw library: enumeration from sysfs, matching, HIDIOCGRDESC,
// feature reports, SET_REPORT, interrupt reads, unplug and replug.

#include <future>
#include <thread>

#include "drivers/usbhid/transport/hidapi_transport.h"
#include "drivers/usbhid/transport/usb_match.h"
#include "tests/devicelab/lab_fixture.h"

namespace walnut::devicelab {
namespace {

using usbhid::HidapiTransport;
using usbhid::IoStatus;
using usbhid::MatchCriteria;

using HidapiLab = LabTest;

MatchCriteria serial(const std::string& pattern) {
  MatchCriteria criteria;
  criteria.serial = pattern;
  return criteria;
}

TEST_F(HidapiLab, FindsTheUpsAmongHidrawNodesBySerial) {
  HidapiTransport transport("hidraw");
  auto opened = transport.open(serial(kLabSerial));
  ASSERT_TRUE(opened.ok()) << opened.error();
  const usbhid::DeviceInfo& info = transport.info();
  EXPECT_EQ(info.path, "/dev/hidraw0");
  EXPECT_EQ(info.vendor_id, 0x051d);
  EXPECT_EQ(info.product_id, 0x0002);
  EXPECT_EQ(info.product, "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2");
  EXPECT_EQ(info.serial, kLabSerial);
  EXPECT_EQ(info.bus, "001");
  EXPECT_EQ(info.device, "002");
  EXPECT_EQ(info.bus_port, "001");
}

TEST_F(HidapiLab, SerialPicksTheRightUpsAmongTwoOfTheSameModel) {
  UpsImage twin = image_;
  twin.strings[3] = "3B1925X99999";
  twin.feature_reports[0x0c] = {0x0c, 0x21, 0x64, 0x03};
  const int second = lab_->add(std::make_shared<EmulatedUps>(twin));
  HidapiTransport transport("hidraw");
  auto opened = transport.open(serial("3B1925X99999"));
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(transport.info().path, lab_->hidraw_path(second));
  EXPECT_EQ(transport.info().bus_port, "002");
  std::uint8_t buffer[4] = {};
  ASSERT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + 4), (Bytes{0x0c, 0x21, 0x64, 0x03}));
}

TEST_F(HidapiLab, LeavesTheKernelDriverBound) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  EXPECT_TRUE(lab_->usbfs().kernel_driver_bound());
}

TEST_F(HidapiLab, OpensTheNodeNamedByThePort) {
  HidapiTransport named("/dev/hidraw0");
  EXPECT_TRUE(named.open(MatchCriteria{}).ok());
  HidapiTransport other("/dev/hidraw7");
  EXPECT_FALSE(other.open(MatchCriteria{}).ok());
  HidapiTransport unmatched("hidraw");
  EXPECT_FALSE(unmatched.open(serial("NOT-THIS-ONE")).ok());
}

// Regression: the port factory passes "" for port=hidraw; it once matched no node at all.
TEST_F(HidapiLab, EmptyPortMeansAnyHidrawNode) {
  HidapiTransport transport("");
  auto opened = transport.open(serial(kLabSerial));
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(transport.info().path, "/dev/hidraw0");
}

TEST_F(HidapiLab, ReadsTheReportDescriptorWithHidiocgrdesc) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  auto descriptor = transport.report_descriptor();
  ASSERT_TRUE(descriptor.ok()) << descriptor.error();
  EXPECT_EQ(*descriptor, lab_->ups().image().report_descriptor);
}

TEST_F(HidapiLab, AnswersTheDevicesOwnStringIndexes) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  EXPECT_EQ(*transport.string_descriptor(2), "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2");
  EXPECT_EQ(*transport.string_descriptor(3), kLabSerial);
  EXPECT_FALSE(transport.string_descriptor(4).ok());
}

TEST_F(HidapiLab, GetsFeatureReportsByReportId) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[4] = {};
  const auto result = transport.get_feature_report(0x0c, buffer);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + result.size), (Bytes{0x0c, 0x64, 0x64, 0x03}));
  std::uint8_t small[2] = {};
  const auto other = transport.get_feature_report(0x0f, small);
  ASSERT_EQ(other.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(small, small + other.size), (Bytes{0x0f, 0x32}));
  EXPECT_EQ(transport.get_feature_report(0xee, buffer).status, IoStatus::kStall);
}

TEST_F(HidapiLab, SetReportReachesTheDevice) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  const Bytes command = {0x15, 0x0a, 0x00};
  const auto result = transport.set_feature_report(0x15, command);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(result.size, 3u);
  ASSERT_EQ(lab_->ups().set_reports().size(), 1u);
  EXPECT_EQ(lab_->ups().set_reports()[0], command);
}

TEST_F(HidapiLab, ReadsEachInterruptReportSeparately) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  lab_->send_interrupt({0x16, 0x0a, 0x00, 0x00, 0x00});
  lab_->send_interrupt({0x0c, 0x32, 0x64, 0x03});
  std::uint8_t buffer[64] = {};
  auto first = transport.read_interrupt(buffer, std::chrono::milliseconds(5000));
  ASSERT_EQ(first.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + first.size), (Bytes{0x16, 0x0a, 0x00, 0x00, 0x00}));
  auto second = transport.read_interrupt(buffer, std::chrono::milliseconds(5000));
  ASSERT_EQ(second.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + second.size), (Bytes{0x0c, 0x32, 0x64, 0x03}));
  EXPECT_EQ(transport.read_interrupt(buffer, std::chrono::milliseconds(50)).status,
            IoStatus::kTimeout);
}

TEST_F(HidapiLab, InterruptReportArrivingWhileWaitingIsDelivered) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[64] = {};
  auto waiting = std::async(std::launch::async, [&] {
    return transport.read_interrupt(buffer, std::chrono::milliseconds(20000));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  lab_->send_interrupt({0x0c, 0x19, 0x64, 0x03});
  const auto result = waiting.get();
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + result.size), (Bytes{0x0c, 0x19, 0x64, 0x03}));
}

TEST_F(HidapiLab, UnplugIsDeviceGoneAndReplugIsFoundAgainWithFreshData) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(serial(kLabSerial)).ok());
  const MatchCriteria same_ups = usbhid::exact_criteria(transport.info());

  lab_->unplug();
  std::uint8_t buffer[64] = {};
  EXPECT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kDeviceGone);
  EXPECT_EQ(transport.read_interrupt(buffer, std::chrono::milliseconds(5000)).status,
            IoStatus::kDeviceGone);
  transport.close();
  EXPECT_FALSE(transport.open(same_ups).ok());

  lab_->ups().put_feature({0x0c, 0x4b, 0x64, 0x03});
  lab_->replug();
  auto reopened = transport.open(same_ups);
  ASSERT_TRUE(reopened.ok()) << reopened.error();
  EXPECT_EQ(transport.info().path, "/dev/hidraw1");
  const auto result = transport.get_feature_report(0x0c, buffer);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + result.size), (Bytes{0x0c, 0x4b, 0x64, 0x03}));
}

// Starts a read far longer than the test, does `meanwhile` once the read waits, and returns how
// the read ended: only what `meanwhile` does can end it.
template <typename Action>
IoStatus read_ended_by(HidapiTransport& transport, Action meanwhile) {
  std::uint8_t buffer[64] = {};
  auto waiting = std::async(std::launch::async, [&] {
    return transport.read_interrupt(buffer, std::chrono::milliseconds(60000));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  meanwhile();
  return waiting.get().status;
}

TEST_F(HidapiLab, UnplugEndsAnInterruptReadInProgress) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  EXPECT_EQ(read_ended_by(transport, [&] { lab_->unplug(); }), IoStatus::kDeviceGone);
}

// The kernel wakes hidraw readers (EIO) before it removes the sysfs node; a read woken in that
// window must still report the unplug, not a plain I/O error. The CI once lost this race.
TEST_F(HidapiLab, ReadWokenBeforeTheSysfsNodeGoesIsDeviceGone) {
  HidapiTransport transport("hidraw");
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  // The device is gone; /sys/class/hidraw/hidraw0 is still there.
  EXPECT_EQ(read_ended_by(transport, [&] { lab_->hidraw().disconnect(); }), IoStatus::kDeviceGone);
  lab_->unplug();
}

}  // namespace
}  // namespace walnut::devicelab
