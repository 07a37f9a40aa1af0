// The libusb-1.0 transport (drivers/usbhid/transport/libusb_transport.cpp) against the emulated
// UPS, through the unmodified libusb-1.0 library: enumeration, matching, detach and claim,
// descriptors, feature reports, interrupt IN, SET_REPORT, unplug and replug.

#include <cerrno>
#include <future>
#include <thread>

#include "drivers/usbhid/transport/factory.h"
#include "drivers/usbhid/transport/libusb_transport.h"
#include "drivers/usbhid/transport/usb_match.h"
#include "tests/devicelab/lab_fixture.h"

namespace walnut::devicelab {
namespace {

using usbhid::IoStatus;
using usbhid::LibusbTransport;
using usbhid::MatchCriteria;

using LibusbLab = LabTest;

MatchCriteria apc_with_serial(const std::string& serial) {
  MatchCriteria criteria;
  criteria.vendor_id = "051d";
  criteria.product_id = "0002";
  criteria.serial = serial;
  return criteria;
}

TEST_F(LibusbLab, OpensTheUpsMatchedByVendorProductAndSerial) {
  LibusbTransport transport;
  auto opened = transport.open(apc_with_serial(kLabSerial));
  ASSERT_TRUE(opened.ok()) << opened.error();
  const usbhid::DeviceInfo& info = transport.info();
  EXPECT_EQ(info.vendor_id, 0x051d);
  EXPECT_EQ(info.product_id, 0x0002);
  EXPECT_EQ(info.product, "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2");
  EXPECT_EQ(info.vendor, "");  // the capture records no manufacturer string
  EXPECT_EQ(info.serial, kLabSerial);
  EXPECT_EQ(info.bus, "001");
  EXPECT_EQ(info.device, "002");
  EXPECT_EQ(info.path, "/dev/bus/usb/001/002");
}

TEST_F(LibusbLab, DetachesTheKernelDriverAndClaimsTheInterface) {
  EXPECT_TRUE(lab_->usbfs().kernel_driver_bound());
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  EXPECT_FALSE(lab_->usbfs().kernel_driver_bound());
  EXPECT_TRUE(lab_->usbfs().interface_claimed());
}

TEST_F(LibusbLab, SerialThatDoesNotMatchFindsNoUps) {
  LibusbTransport transport;
  auto opened = transport.open(apc_with_serial("3B1925X1234"));  // a prefix is not a match
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("No matching HID UPS found"), std::string::npos) << opened.error();
  EXPECT_FALSE(transport.is_open());
  EXPECT_TRUE(lab_->usbfs().kernel_driver_bound());  // an unmatched device is left alone

  ASSERT_TRUE(transport.open(apc_with_serial("3b1925x.*")).ok());
}

TEST_F(LibusbLab, SerialPicksTheRightUpsAmongTwoOfTheSameModel) {
  UpsImage twin = image_;
  twin.strings[3] = "3B1925X99999";
  twin.feature_reports[0x0c] = {0x0c, 0x21, 0x64, 0x03};
  const int second = lab_->add(std::make_shared<EmulatedUps>(twin));
  LibusbTransport transport;
  auto opened = transport.open(apc_with_serial("3B1925X99999"));
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(transport.info().serial, "3B1925X99999");
  EXPECT_EQ(transport.info().path, lab_->usbfs_path(second));
  EXPECT_TRUE(lab_->usbfs(0).kernel_driver_bound());  // the other UPS was left alone
  EXPECT_FALSE(lab_->usbfs(second).kernel_driver_bound());
  std::uint8_t buffer[4] = {};
  ASSERT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + 4), (Bytes{0x0c, 0x21, 0x64, 0x03}));
}

TEST_F(LibusbLab, FetchesTheWholeReportDescriptor) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  auto descriptor = transport.report_descriptor();
  ASSERT_TRUE(descriptor.ok()) << descriptor.error();
  EXPECT_EQ(descriptor->size(), 1049u);
  EXPECT_EQ(*descriptor, lab_->ups().image().report_descriptor);
  // It was asked for with the length from the HID class descriptor, in one request.
  int report_descriptor_requests = 0;
  for (const SetupPacket& setup : lab_->ups().control_log()) {
    if (setup.request_type == 0x81 && setup.request == 0x06 && setup.value == 0x2200) {
      ++report_descriptor_requests;
      EXPECT_EQ(setup.length, 1049);
    }
  }
  EXPECT_EQ(report_descriptor_requests, 1);
}

TEST_F(LibusbLab, ConfigurationDescriptorLengthWinsOverAMisreportedHidDescriptor) {
  UpsImage quirky = image_;
  quirky.hid_descriptor_length_on_request = 100;  // GET_DESCRIPTOR(HID) says 100 bytes
  plug_in(quirky);
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  EXPECT_EQ(transport.report_descriptor()->size(), 1049u);
}

TEST_F(LibusbLab, ReportDescriptorShorterThanAnnouncedIsUsedAsSent) {
  UpsImage quirky = image_;
  quirky.report_descriptor_bytes_sent = 1000;
  plug_in(quirky);
  LibusbTransport transport;
  auto opened = transport.open(MatchCriteria{});
  ASSERT_TRUE(opened.ok()) << opened.error();
  const Bytes expected(image_.report_descriptor.begin(), image_.report_descriptor.begin() + 1000);
  EXPECT_EQ(*transport.report_descriptor(), expected);
}

TEST_F(LibusbLab, ReadsStringDescriptors) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  auto product = transport.string_descriptor(2);
  ASSERT_TRUE(product.ok()) << product.error();
  EXPECT_EQ(*product, "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2");
  EXPECT_EQ(*transport.string_descriptor(0), "");
  EXPECT_FALSE(transport.string_descriptor(4).ok());  // the device stalls an unknown string
}

TEST_F(LibusbLab, PollsFeatureReportsWithGetReport) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[4] = {};
  const auto result = transport.get_feature_report(0x0c, buffer);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + result.size), (Bytes{0x0c, 0x64, 0x64, 0x03}));
  EXPECT_EQ(lab_->ups().get_report_count(0x0c), 1);

  lab_->ups().put_feature({0x0c, 0x32, 0x10, 0x02});  // the UPS's state changes
  ASSERT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + 4), (Bytes{0x0c, 0x32, 0x10, 0x02}));
}

TEST_F(LibusbLab, UnknownReportIsAStall) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[8] = {};
  EXPECT_EQ(transport.get_feature_report(0xee, buffer).status, IoStatus::kStall);
  // The pipe works again afterwards.
  EXPECT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
}

TEST_F(LibusbLab, SetReportReachesTheDeviceAsTheRightControlTransfer) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  const Bytes command = {0x15, 0x0a, 0x00};  // e.g. a delay written to report 0x15
  const auto result = transport.set_feature_report(0x15, command);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(result.size, 3u);
  ASSERT_EQ(lab_->ups().set_reports().size(), 1u);
  EXPECT_EQ(lab_->ups().set_reports()[0], command);
  const SetupPacket setup = lab_->ups().control_log().back();
  EXPECT_EQ(setup.request_type, 0x21);  // class, interface, host to device
  EXPECT_EQ(setup.request, 0x09);       // SET_REPORT
  EXPECT_EQ(setup.value, 0x0315);       // Feature, report 0x15
  EXPECT_EQ(setup.index, 0);            // interface 0
  EXPECT_EQ(setup.length, 3);
}

TEST_F(LibusbLab, ReadsInterruptReportsInOrder) {
  LibusbTransport transport;
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
}

TEST_F(LibusbLab, InterruptReportArrivingWhileWaitingIsDelivered) {
  LibusbTransport transport;
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

// The driver loop waits on the pipe until its next poll; a queued command wakes it
// (Transport::wake_interrupt_read): the transfer is cancelled, the pipe stays usable.
TEST_F(LibusbLab, AWakeEndsAnInterruptReadInProgressAndThePipeStaysUsable) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  ASSERT_TRUE(transport.interrupt_read_wakeable());
  std::uint8_t buffer[64] = {};
  auto waiting = std::async(std::launch::async, [&] {
    // Far longer than the test: only the wake can end it before the check below gives up.
    return transport.read_interrupt(buffer, std::chrono::milliseconds(600000));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  transport.wake_interrupt_read();
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "the wake did not end the read";
  EXPECT_EQ(waiting.get().status, IoStatus::kTimeout);
  lab_->send_interrupt({0x0c, 0x19, 0x64, 0x03});
  const auto result = transport.read_interrupt(buffer, std::chrono::milliseconds(5000));
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + result.size), (Bytes{0x0c, 0x19, 0x64, 0x03}));
  // A wake with no read in progress ends the next one.
  transport.wake_interrupt_read();
  EXPECT_EQ(transport.read_interrupt(buffer, std::chrono::milliseconds(600000)).status,
            IoStatus::kTimeout);
}

TEST_F(LibusbLab, QuietInterruptPipeIsATimeout) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[64] = {};
  EXPECT_EQ(transport.read_interrupt(buffer, std::chrono::milliseconds(50)).status,
            IoStatus::kTimeout);
  // The cancelled transfer left the pipe usable.
  lab_->send_interrupt({0x0c, 0x19, 0x64, 0x03});
  EXPECT_EQ(transport.read_interrupt(buffer, std::chrono::milliseconds(5000)).status,
            IoStatus::kOk);
}

TEST_F(LibusbLab, UnplugIsDeviceGoneAndReplugIsFoundAgainWithFreshData) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(apc_with_serial(kLabSerial)).ok());
  const MatchCriteria same_ups = usbhid::exact_criteria(transport.info());

  lab_->unplug();
  std::uint8_t buffer[64] = {};
  EXPECT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kDeviceGone);
  EXPECT_EQ(transport.read_interrupt(buffer, std::chrono::milliseconds(5000)).status,
            IoStatus::kDeviceGone);
  transport.close();
  EXPECT_FALSE(transport.open(same_ups).ok());

  lab_->ups().put_feature({0x0c, 0x4b, 0x64, 0x03});  // charge changed while away
  lab_->replug();
  auto reopened = transport.open(same_ups);
  ASSERT_TRUE(reopened.ok()) << reopened.error();
  EXPECT_EQ(transport.info().device, "003");  // enumerated afresh
  EXPECT_FALSE(lab_->usbfs().kernel_driver_bound());
  const auto result = transport.get_feature_report(0x0c, buffer);
  ASSERT_EQ(result.status, IoStatus::kOk);
  EXPECT_EQ(Bytes(buffer, buffer + result.size), (Bytes{0x0c, 0x4b, 0x64, 0x03}));
}

TEST_F(LibusbLab, ATransferErrorIsAnIoErrorAndTheDeviceAnswersAfterwards) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  lab_->ups().fail_class_requests(1, EPROTO);
  std::uint8_t buffer[64] = {};
  EXPECT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kIoError);
  EXPECT_EQ(transport.get_feature_report(0x0c, buffer).status, IoStatus::kOk);
}

TEST_F(LibusbLab, UnplugEndsAnInterruptReadInProgress) {
  LibusbTransport transport;
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[64] = {};
  auto waiting = std::async(std::launch::async, [&] {
    // Far longer than the test: only the unplug can end it with kDeviceGone.
    return transport.read_interrupt(buffer, std::chrono::milliseconds(60000));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  lab_->unplug();
  EXPECT_EQ(waiting.get().status, IoStatus::kDeviceGone);
}

// NUT's USB knobs (nut_usb_addvars, docs/usbhid-ups.md) through the real libusb-1.0.
TEST_F(LibusbLab, UsbHidDescIndexIsTheDescriptorIndexAsked) {
  usbhid::UsbTuning tuning;
  tuning.desc_index = 1;
  LibusbTransport transport(tuning);
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  bool asked = false;
  for (const SetupPacket& setup : lab_->ups().control_log()) {
    if (setup.request == 0x06 && setup.value == 0x2201 && setup.index == 0) asked = true;
    EXPECT_NE(setup.value, 0x2200) << "the default index was asked";
  }
  EXPECT_TRUE(asked);
}

TEST_F(LibusbLab, UsbHidEpInIsTheInterruptEndpointRead) {
  lab_->ups().queue_interrupt({0x0c, 0x32, 0x64, 0x03});
  usbhid::UsbTuning tuning;
  tuning.endpoint_in = 2;  // 0x82: this UPS has no such endpoint
  LibusbTransport transport(tuning);
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  std::uint8_t buffer[8] = {};
  EXPECT_NE(transport.read_interrupt(buffer, std::chrono::milliseconds(200)).status, IoStatus::kOk);
  LibusbTransport standard;  // 0x81, as the interface declares
  transport.close();
  ASSERT_TRUE(standard.open(MatchCriteria{}).ok());
  EXPECT_EQ(standard.read_interrupt(buffer, std::chrono::milliseconds(2000)).status, IoStatus::kOk);
}

TEST_F(LibusbLab, UsbSetAltinterfaceSetsTheAlternateSettingAfterClaiming) {
  {
    LibusbTransport plain;
    ASSERT_TRUE(plain.open(MatchCriteria{}).ok());
    EXPECT_FALSE(lab_->usbfs().last_set_interface().has_value());  // NUT: only when asked
  }
  usbhid::UsbTuning tuning;
  tuning.alt_setting = 0;
  LibusbTransport transport(tuning);
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  ASSERT_TRUE(lab_->usbfs().last_set_interface().has_value());
  EXPECT_EQ(*lab_->usbfs().last_set_interface(), std::make_pair(0u, 0u));
}

// NUT's claim functions pick the interface and endpoints (arduino_claim: usb_hid_rep_index=2,
// usb_hid_ep_in=4; libusb1.c claims only after the matcher ran them). An Arduino whose interface
// 0 is another HID function (a keyboard, say) in front of its serial port: walnut's own choice,
// the first HID interface, is the wrong one; the claim's interface 2 and endpoint 0x84 are right.
class ArduinoLab : public LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    auto image = ups_image_from_capture(WALNUT_TEST_DATA_DIR "/hid-corpus/arduino-synthetic.txt", "");
    ASSERT_TRUE(image.ok()) << image.error();
    ASSERT_EQ(image->hid_interface(), 2);  // the capture's `interface: 2`
    ASSERT_EQ(image->interrupt_endpoint, 0x84);
    image->leading_interfaces = {0x03, 0x0a};  // a HID keyboard, then CDC data
    image->interrupts = {{0x01, 0x01}};        // ACPresent
    plug_in(std::move(*image));
  }
  static LibusbTransport with_claim(usbhid::UsbTuning user = {}) {
    return LibusbTransport(user, usbhid::claim_tuning({}));
  }
};

TEST_F(ArduinoLab, TheClaimOpensTheUpsInterfaceAndItsEndpoint) {
  LibusbTransport transport = with_claim();
  auto opened = transport.open(MatchCriteria{});
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(lab_->usbfs().claimed_interface(), 2u);
  auto descriptor = transport.report_descriptor();
  ASSERT_TRUE(descriptor.ok());
  EXPECT_EQ(*descriptor, lab_->ups().image().report_descriptor);
  std::uint8_t buffer[2] = {};
  EXPECT_EQ(transport.get_feature_report(0x01, buffer).status, IoStatus::kOk);
  for (const SetupPacket& setup : lab_->ups().control_log()) {
    if ((setup.request_type & 0x1f) == 0x01) {
      EXPECT_EQ(setup.index, 2) << "a request to another interface";
    }
  }
  std::uint8_t report[8] = {};
  const usbhid::IoResult read = transport.read_interrupt(report, std::chrono::milliseconds(2000));
  ASSERT_EQ(read.status, IoStatus::kOk);  // read on 0x84: the device serves no other endpoint
  EXPECT_EQ(Bytes(report, report + read.size), (Bytes{0x01, 0x01}));
}

TEST_F(ArduinoLab, WithoutTheClaimTheFirstHidInterfaceIsTheWrongOne) {
  LibusbTransport transport;  // walnut's own choice: interface 0, which is not the UPS
  auto opened = transport.open(MatchCriteria{});
  EXPECT_FALSE(opened.ok());
}

TEST_F(ArduinoLab, TheUsersUsbHidOptionsWinOverTheClaim) {
  usbhid::UsbTuning user;
  user.endpoint_in = 1;  // usb_hid_ep_in=1: 0x81, where this device sends nothing
  LibusbTransport transport = with_claim(user);
  ASSERT_TRUE(transport.open(MatchCriteria{}).ok());
  EXPECT_EQ(lab_->usbfs().claimed_interface(), 2u);  // the claim's interface still
  std::uint8_t report[8] = {};
  EXPECT_NE(transport.read_interrupt(report, std::chrono::milliseconds(300)).status, IoStatus::kOk);
  transport.close();
  user = {};
  user.interface = 0;  // usb_hid_rep_index=0: the keyboard
  LibusbTransport elsewhere = with_claim(user);
  EXPECT_FALSE(elsewhere.open(MatchCriteria{}).ok());
}

}  // namespace
}  // namespace walnut::devicelab
