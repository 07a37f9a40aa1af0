// Tests for the pure parts of drivers/usbhid/transport/hidapi_transport.cpp.

#include "drivers/usbhid/transport/hidapi_transport.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace walnut::usbhid::hidapi_detail {
namespace {

TEST(HidapiTransport, HidrawNameIsTheNodeNameOfAHidrawPath) {
  EXPECT_EQ(hidraw_name("/dev/hidraw0"), "hidraw0");
  EXPECT_EQ(hidraw_name("/dev/hidraw12"), "hidraw12");
  EXPECT_EQ(hidraw_name("hidraw3"), "hidraw3");
}

TEST(HidapiTransport, NonHidrawPathsHaveNoHidrawName) {
  EXPECT_EQ(hidraw_name("/dev/hidraw"), "");
  EXPECT_EQ(hidraw_name("/dev/ttyUSB0"), "");
  EXPECT_EQ(hidraw_name("/dev/hidraw0/../sda"), "");
  EXPECT_EQ(hidraw_name("/dev/hidrawX"), "");
}

TEST(HidapiTransport, BusPortIsThePortOnTheLastHubAsThreeDigits) {
  EXPECT_EQ(bus_port_from_devpath("1"), "001");
  EXPECT_EQ(bus_port_from_devpath("1.4"), "004");
  EXPECT_EQ(bus_port_from_devpath("2.1.12"), "012");
}

TEST(HidapiTransport, MalformedDevpathHasNoBusPort) {
  EXPECT_EQ(bus_port_from_devpath(""), "");
  EXPECT_EQ(bus_port_from_devpath("1."), "");
  EXPECT_EQ(bus_port_from_devpath("x"), "");
  EXPECT_EQ(bus_port_from_devpath("0"), "");
}

TEST(HidapiTransport, ErrnoMapsToDriverStatuses) {
  EXPECT_EQ(io_status_of_errno(EPIPE), IoStatus::kStall);
  EXPECT_EQ(io_status_of_errno(ETIMEDOUT), IoStatus::kTimeout);
  EXPECT_EQ(io_status_of_errno(ENODEV), IoStatus::kDeviceGone);
  EXPECT_EQ(io_status_of_errno(ESHUTDOWN), IoStatus::kDeviceGone);
  EXPECT_EQ(io_status_of_errno(EIO), IoStatus::kIoError);
}

// An interrupt read ends with EIO, or with errno untouched after a poll hang-up, only when the
// hidraw device is gone; other errors keep their usual meaning.
TEST(HidapiTransport, FailedInterruptReadsOnAVanishedNodeAreDeviceGone) {
  EXPECT_EQ(read_status_of_errno(EIO), IoStatus::kDeviceGone);
  EXPECT_EQ(read_status_of_errno(0), IoStatus::kDeviceGone);
  EXPECT_EQ(read_status_of_errno(EINTR), IoStatus::kIoError);
  EXPECT_EQ(read_status_of_errno(ENODEV), IoStatus::kDeviceGone);
  EXPECT_EQ(read_status_of_errno(EPIPE), IoStatus::kStall);
}

}  // namespace
}  // namespace walnut::usbhid::hidapi_detail
