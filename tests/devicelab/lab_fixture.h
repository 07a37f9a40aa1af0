// The device lab's GoogleTest fixture: an emulated APC Back-UPS ES 850G2 (from the capture in
// tests/data/hid-corpus) plugged into a fresh umockdev testbed for every test.
#pragma once

#include <umockdev.h>

#include <memory>

#include <gtest/gtest.h>

#include "tests/devicelab/capture_device.h"
#include "tests/devicelab/usb_lab.h"

namespace walnut::devicelab {

inline constexpr const char* kLabCapture = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";
// The capture records no serial number; the lab gives the device one so tests can match by it.
inline constexpr const char* kLabSerial = "3B1925X12345";

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto image = ups_image_from_capture(kLabCapture, kLabSerial);
    ASSERT_TRUE(image.ok()) << image.error();
    image_ = *image;
    plug_in(std::move(*image));
    // Only code running with libumockdev-preload sees the testbed; ctest sets LD_PRELOAD.
    if (!umockdev_in_mock_environment()) {
      GTEST_SKIP() << "not running under libumockdev-preload (run through ctest or umockdev-wrapper)";
    }
  }
  void TearDown() override { lab_.reset(); }

  // Replaces the lab with one whose device is `image` (e.g. the capture's with a quirk).
  void plug_in(UpsImage image) {
    lab_.reset();
    lab_ = std::make_unique<UsbLab>(std::make_shared<EmulatedUps>(std::move(image)));
  }

  UpsImage image_;  // the capture's device, unchanged
  std::unique_ptr<UsbLab> lab_;
};

}  // namespace walnut::devicelab
