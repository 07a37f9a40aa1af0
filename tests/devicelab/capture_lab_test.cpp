// usbhid-ups -x capture=FILE through the real libusb-1.0 on an emulated device (issue 20): the
// command users are told to run for a bug report. No copy of the device's serial numbers (its
// iSerialNumber string, and the string an iSerialNumber report field points to) stays in the
// file, in any encoding; and a device no subdriver claims gets an error naming that command.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/devicelab/capture_device.h"
#include "tests/devicelab/child_process.h"
#include "tests/devicelab/usb_lab.h"

namespace walnut::devicelab {
namespace {

constexpr const char* kCapture = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";
constexpr const char* kSerial = "3B1925X12345";
constexpr const char* kPowerSummarySerial = "PS98765432";  // string 5, via report 0x02

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string hex(const std::string& bytes) {
  std::string out;
  char byte[4];
  for (unsigned char c : bytes) {
    std::snprintf(byte, sizeof byte, "%02x", c);
    out += (out.empty() ? "" : " ") + std::string(byte);
  }
  return out;
}

std::string utf16le(const std::string& text) {
  std::string out;
  for (char c : text) out += std::string{c, '\0'};
  out.pop_back();  // the last 0 byte may be cut off
  return out;
}

class CaptureLab : public ::testing::Test {
 protected:
  void SetUp() override {
    char directory[] = "/tmp/walnut-capturelab.XXXXXX";
    ASSERT_NE(::mkdtemp(directory), nullptr);
    dir_ = directory;
  }
  void TearDown() override {
    lab_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Runs the driver as a child served by the lab; its exit status, output in dir_/driver.log.
  int run_driver(const std::vector<std::string>& args) {
    std::vector<std::string> environment = lab_->child_environment();
    environment.push_back("NUT_STATEPATH=" + dir_);
    environment.push_back("NUT_ALTPIDPATH=" + dir_);
    std::vector<std::string> argv = {WALNUT_USBHID_UPS, "-s", "report", "-x", "port=auto"};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess driver(argv, environment, dir_ + "/driver.log");
    EXPECT_GT(driver.pid(), 0);
    auto status = driver.wait(std::chrono::seconds(60));
    EXPECT_TRUE(status.has_value()) << "the driver did not exit:\n" << read_text(dir_ + "/driver.log");
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  std::unique_ptr<UsbLab> lab_;
  std::string dir_;
};

TEST_F(CaptureLab, TheBugReportCaptureHoldsNoSerialNumber) {
  auto image = ups_image_from_capture(kCapture, kSerial);
  ASSERT_TRUE(image.ok()) << image.error();
  image->strings[5] = kPowerSummarySerial;
  image->feature_reports[0x02] = {0x02, 0x05};  // UPS.PowerSummary.iSerialNumber = string 5
  lab_ = std::make_unique<UsbLab>(std::make_shared<EmulatedUps>(std::move(*image)));

  const std::string capture = dir_ + "/ups-capture.txt";
  ASSERT_EQ(run_driver({"-x", "vendorid=051d", "-x", "productid=0002", "-x", "explore", "-x",
                        "capture=" + capture, "-d", "1"}),
            0)
      << read_text(dir_ + "/driver.log");
  const std::string text = read_text(capture);
  ASSERT_NE(text.find("descriptor:"), std::string::npos) << text;
  for (const std::string serial : {kSerial, kPowerSummarySerial}) {
    EXPECT_EQ(text.find(serial), std::string::npos) << serial << " as text:\n" << text;
    EXPECT_EQ(text.find(hex(serial)), std::string::npos) << serial << " as ASCII bytes:\n" << text;
    EXPECT_EQ(text.find(hex(utf16le(serial))), std::string::npos) << serial << " as UTF-16LE:\n" << text;
  }
  EXPECT_NE(text.find("\nserial: XXXXXXXXXXXX\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n5: XXXXXXXXXX\n"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("# written by usbhid-ups walnut-", 0), 0u) << text;
}

TEST_F(CaptureLab, AnUnclaimedDeviceIsToldHowToCaptureIt) {
  auto image = ups_image_from_capture(kCapture, kSerial);
  ASSERT_TRUE(image.ok()) << image.error();
  image->vendor_id = 0x1234;
  image->product_id = 0x5678;
  lab_ = std::make_unique<UsbLab>(std::make_shared<EmulatedUps>(std::move(*image)));
  EXPECT_NE(run_driver({"-x", "vendorid=1234", "-d", "1"}), 0);
  const std::string log = read_text(dir_ + "/driver.log");
  EXPECT_NE(log.find("capture it as root"), std::string::npos) << log;
  EXPECT_NE(log.find("usbhid-ups -s report -x port=auto -x vendorid=1234 -x productid=5678 -x "
                     "explore -x capture=ups-capture.txt -d 1"),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace walnut::devicelab
