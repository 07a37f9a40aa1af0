// Tests for the pure parts of drivers/usbhid/transport/libusb_transport.cpp: where the report
// descriptor length comes from, and how libusb errors read to the driver.

#include "drivers/usbhid/transport/libusb_transport.h"

#include <libusb.h>

#include <gtest/gtest.h>

namespace walnut::usbhid::libusb_detail {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(LibusbTransport, HidDescriptorGivesReportLengthLittleEndian) {
  const Bytes hid = {0x09, 0x21, 0x10, 0x01, 0x21, 0x01, 0x22, 0x19, 0x04};
  EXPECT_EQ(report_length_from_hid_descriptor(hid), 1049);
}

TEST(LibusbTransport, ShortOrForeignHidDescriptorGivesNoLength) {
  EXPECT_FALSE(report_length_from_hid_descriptor(Bytes{0x09, 0x21, 0x10, 0x01, 0x21, 0x01, 0x22, 0x19}));
  EXPECT_FALSE(report_length_from_hid_descriptor(Bytes{0x09, 0x04, 0, 0, 1, 3, 0, 0, 0}));
}

TEST(LibusbTransport, InterfaceExtraIsSearchedForTheHidDescriptor) {
  // A vendor descriptor first, then the HID descriptor.
  const Bytes extra = {0x04, 0x24, 0x01, 0x02, 0x09, 0x21, 0x10, 0x01, 0x21, 0x01, 0x22, 0x2e, 0x00};
  EXPECT_EQ(report_length_from_interface_extra(extra), 46);
}

TEST(LibusbTransport, TruncatedOrLoopingExtraGivesNoLength) {
  EXPECT_FALSE(report_length_from_interface_extra(Bytes{0x09, 0x21, 0x10, 0x01, 0x21}));
  EXPECT_FALSE(report_length_from_interface_extra(Bytes{0x00, 0x21, 0x00, 0x00}));
  EXPECT_FALSE(report_length_from_interface_extra(Bytes{}));
}

TEST(LibusbTransport, InterfaceExtraLengthIsPreferredOverGetDescriptor) {
  EXPECT_EQ(choose_report_length(100, 200, 0x051d, 0x0106), 200);
  EXPECT_EQ(choose_report_length(100, std::nullopt, 0x051d, 0x0106), 100);
  EXPECT_EQ(choose_report_length(std::nullopt, std::nullopt, 0x051d, 0x0106), std::nullopt);
}

TEST(LibusbTransport, EatonRevision202UsesGetDescriptorLengthAndIndexOne) {
  EXPECT_EQ(choose_report_length(926, 100, 0x0463, 0x0202), 926);
  EXPECT_EQ(hid_descriptor_index(0x0463, 0x0202), 1);
  EXPECT_EQ(hid_descriptor_index(0x0463, 0x0100), 0);
  EXPECT_EQ(choose_report_length(926, 100, 0x0463, 0x0100), 100);
}

TEST(LibusbTransport, LibusbErrorsMapToDriverStatuses) {
  EXPECT_EQ(io_status_of(LIBUSB_ERROR_TIMEOUT), IoStatus::kTimeout);
  EXPECT_EQ(io_status_of(LIBUSB_ERROR_PIPE), IoStatus::kStall);
  EXPECT_EQ(io_status_of(LIBUSB_ERROR_NO_DEVICE), IoStatus::kDeviceGone);
  EXPECT_EQ(io_status_of(LIBUSB_ERROR_BUSY), IoStatus::kDeviceGone);
  EXPECT_EQ(io_status_of(LIBUSB_ERROR_IO), IoStatus::kIoError);
  EXPECT_EQ(io_status_of(LIBUSB_ERROR_OVERFLOW), IoStatus::kIoError);
}

TEST(LibusbTransport, VersionStringIsNutsDriverVersionUsbFormat) {
  const std::string version = LibusbTransport::version_string();
  EXPECT_EQ(version.rfind("libusb-1.0.", 0), 0u) << version;
  EXPECT_NE(version.find(" (API: 0x"), std::string::npos) << version;
}

// The requests the transport sends, as NUT's libusb1.c builds them, and how usb_hid_* change them.
TEST(LibusbTransport, GetReportIsAClassInterfaceRequestOnTheChosenInterface) {
  EXPECT_EQ(get_feature_report_setup(0x0c, 0, 4), (ControlSetup{0xa1, 0x01, 0x030c, 0, 4}));
  // usb_hid_rep_index=1: wIndex 1; maxreport's longer wLength is what the caller asks.
  EXPECT_EQ(get_feature_report_setup(0x0c, 1, 8), (ControlSetup{0xa1, 0x01, 0x030c, 1, 8}));
  EXPECT_EQ(set_feature_report_setup(0x18, 2, 2), (ControlSetup{0x21, 0x09, 0x0318, 2, 2}));
  EXPECT_EQ(get_feature_report_setup(1, 0, 100000).length, 0xffff);
}

TEST(LibusbTransport, DescriptorIndexIsUsbHidDescIndexElseNutsDefault) {
  EXPECT_EQ(descriptor_index({}, 0x051d, 0x0106), 0);
  EXPECT_EQ(descriptor_index({}, 0x0463, 0x0202), 1);
  UsbTuning tuning;
  tuning.desc_index = 2;
  EXPECT_EQ(descriptor_index(tuning, 0x0463, 0x0202), 2);
  EXPECT_EQ(descriptor_setup(0x22, 2, 1, 1028), (ControlSetup{0x81, 0x06, 0x2202, 1, 1028}));
  EXPECT_EQ(descriptor_setup(0x21, 0, 0, 9), (ControlSetup{0x81, 0x06, 0x2100, 0, 9}));
}

TEST(LibusbTransport, InterruptEndpointIsInPlusUsbHidEpIn) {
  EXPECT_EQ(interrupt_endpoint({}, 0x83), 0x83);  // walnut: what the interface declares
  UsbTuning tuning;
  tuning.endpoint_in = 2;
  EXPECT_EQ(interrupt_endpoint(tuning, 0x83), 0x82);  // libusb1.c:1137 LIBUSB_ENDPOINT_IN + 2
}

// arduino_claim's `if (!getval("usb_hid_ep_in")) usb->hid_ep_in = 4;`: the claim's numbers fill
// only what the user left unset.
TEST(LibusbTransport, ClaimDefaultsFillOnlyWhatTheUserLeftUnset) {
  UsbTuning claim;
  claim.interface = 2;
  claim.endpoint_in = 4;
  claim.endpoint_out = 5;
  UsbTuning user;
  user.endpoint_in = 3;
  user.allow_duplicates = true;
  const UsbTuning tuning = with_claim_defaults(user, claim);
  EXPECT_EQ(tuning.interface, 2);
  EXPECT_EQ(tuning.endpoint_in, 3);
  EXPECT_EQ(tuning.endpoint_out, 5);
  EXPECT_FALSE(tuning.desc_index.has_value());
  EXPECT_TRUE(tuning.allow_duplicates);
  EXPECT_EQ(with_claim_defaults(user, {}).interface, std::nullopt);
}

TEST(LibusbTransport, AllowDuplicatesSkipsOnlyABusyDevice) {
  UsbTuning tuning;
  EXPECT_FALSE(try_next_device_after_claim(tuning, LIBUSB_ERROR_BUSY));
  tuning.allow_duplicates = true;
  EXPECT_TRUE(try_next_device_after_claim(tuning, LIBUSB_ERROR_BUSY));
  EXPECT_FALSE(try_next_device_after_claim(tuning, LIBUSB_ERROR_ACCESS));
}

}  // namespace
}  // namespace walnut::usbhid::libusb_detail
