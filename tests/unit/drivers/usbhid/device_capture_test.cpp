// The capture a user attaches to a bug report: every copy of the serial number replaced by a
// placeholder of the same length (text, ASCII and UTF-16LE bytes, strings an iSerialNumber
// field points to, upsc lines), the file still a capture; and the unclaimed device's hint.
#include "drivers/usbhid/device_capture.h"

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

constexpr const char* kSerial = "3B1234X56789";

hid::Capture corpus_capture(const std::string& name) {
  std::ifstream in(std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  auto capture = hid::read_capture(text.str());
  EXPECT_TRUE(capture) << capture.error();
  return capture ? *capture : hid::Capture{};
}

const hid::UsageTable& table() { return *hid::UsageTable::find("explore"); }

std::string hex(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (auto byte : bytes) out += fmt::format("{}{:02x}", out.empty() ? "" : " ", byte);
  return out;
}

std::vector<std::uint8_t> ascii(const std::string& text) { return {text.begin(), text.end()}; }

std::vector<std::uint8_t> utf16le(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (char c : text) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

// Every way the serial can be spelled in a capture file's text.
void expect_no_serial(const std::string& file, const std::string& serial) {
  EXPECT_EQ(file.find(serial), std::string::npos) << "ASCII text:\n" << file;
  EXPECT_EQ(file.find(hex(ascii(serial))), std::string::npos) << "ASCII bytes:\n" << file;
  auto wide = utf16le(serial);
  wide.pop_back();  // the last 0 byte may be cut off
  EXPECT_EQ(file.find(hex(wide)), std::string::npos) << "UTF-16LE bytes:\n" << file;
}

// The ES 850G2 with the serial planted everywhere a device or NUT could put it.
hid::Capture planted_capture() {
  hid::Capture capture = corpus_capture("apc-back-ups-es-850g2.txt");
  capture.serial = std::string(kSerial) + "  ";  // devices pad it
  capture.strings[4] = std::string("SN ") + kSerial;
  std::vector<std::uint8_t> report = {0x40, 0x01};
  for (auto byte : ascii(kSerial)) report.push_back(byte);
  for (auto byte : utf16le(kSerial)) report.push_back(byte);
  capture.reports[0x40] = report;
  capture.interrupts.push_back(report);
  capture.upsc.emplace_back("ups.serial", kSerial);
  capture.upsc.emplace_back("device.serial", kSerial);
  capture.paths.push_back(std::string("Path: UPS.Serial ") + kSerial);
  capture.comments.push_back(std::string("captured from ") + kSerial);
  return capture;
}

TEST(DeviceCapture, ScrubsEveryCopyOfTheSerialKeepingLengths) {
  hid::Capture capture = planted_capture();
  const auto serials = capture_serials(capture, table());
  ASSERT_EQ(serials, std::vector<std::string>{kSerial});
  const std::string before = hid::write_capture(capture);
  ASSERT_NE(before.find(hex(utf16le(kSerial)).substr(0, 20)), std::string::npos);

  scrub_serials(capture, serials);
  const std::string after = hid::write_capture(capture);
  expect_no_serial(after, kSerial);
  EXPECT_EQ(after.size(), before.size());
  EXPECT_EQ(capture.serial, "XXXXXXXXXXXX  ");
  EXPECT_EQ(capture.strings[4], "SN XXXXXXXXXXXX");
  EXPECT_EQ(capture.reports[0x40].size(), 2 + 3 * std::string(kSerial).size());
  EXPECT_EQ(capture.reports[0x40][2], 'X');
  EXPECT_EQ(capture.reports[0x40][15], 0);  // UTF-16LE keeps its 0 bytes
  EXPECT_EQ(capture.descriptor, corpus_capture("apc-back-ups-es-850g2.txt").descriptor);
  // Still a capture, read back the same.
  auto reread = hid::read_capture(after);
  ASSERT_TRUE(reread) << reread.error();
  EXPECT_EQ(hid::write_capture(*reread), after);
}

TEST(DeviceCapture, FindsTheSerialAnISerialNumberFieldPointsTo) {
  hid::Capture capture = corpus_capture("apc-back-ups-es-850g2.txt");
  capture.serial.reset();
  // UPS.PowerSummary.iSerialNumber is report 0x02's first byte in this descriptor.
  capture.reports[0x02] = {0x02, 0x07};
  capture.strings[7] = "QQ9876543210";
  const auto serials = capture_serials(capture, table());
  ASSERT_EQ(serials, std::vector<std::string>{"QQ9876543210"});
  scrub_serials(capture, serials);
  expect_no_serial(hid::write_capture(capture), "QQ9876543210");
  EXPECT_EQ(capture.reports[0x02], (std::vector<std::uint8_t>{0x02, 0x07}));  // the index stays
}

TEST(DeviceCapture, AShortSerialIsReplacedOnlyWhereAWholeTextIsIt) {
  hid::Capture capture = corpus_capture("apc-back-ups-es-850g2.txt");
  capture.serial = "AB1";
  capture.upsc.emplace_back("ups.serial", "AB1");
  capture.upsc.emplace_back("ups.model", "AB1000");
  const auto reports = capture.reports;
  scrub_serials(capture, capture_serials(capture, table()));
  EXPECT_EQ(capture.serial, "XXX");
  EXPECT_EQ(capture.upsc[capture.upsc.size() - 2].second, "XXX");
  EXPECT_EQ(capture.upsc.back().second, "AB1000");
  EXPECT_EQ(capture.reports, reports);
}

TEST(DeviceCapture, NoSerialMeansNothingChanges) {
  hid::Capture capture = corpus_capture("apc-back-ups-es-850g2.txt");
  capture.serial.reset();
  const std::string before = hid::write_capture(capture);
  const auto serials = capture_serials(capture, table());
  EXPECT_TRUE(serials.empty());
  scrub_serials(capture, serials);
  EXPECT_EQ(hid::write_capture(capture), before);
}

TEST(DeviceCapture, UnclaimedDeviceHintNamesTheCommandAndWhereToSendIt) {
  const std::string hint = unclaimed_device_hint(0x0463, 0xffff);
  EXPECT_NE(hint.find("as root"), std::string::npos) << hint;
  EXPECT_NE(hint.find("usbhid-ups -s report -x port=auto -x vendorid=0463 -x productid=ffff "
                      "-x explore -x capture=ups-capture.txt -d 1"),
            std::string::npos)
      << hint;
  EXPECT_NE(hint.find("issue tracker"), std::string::npos) << hint;
}

}  // namespace
}  // namespace walnut::usbhid
