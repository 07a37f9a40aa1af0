// The capture format: reading the corpus files, writing them back, the errors, and the
// GET_REPORT answers a replayed capture gives (fakeusb.c's rule for missing reports).
#include "drivers/usbhid/hid/capture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace walnut::hid {
namespace {

std::string corpus(const std::string& name) {
  std::ifstream in(std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Capture, ReadsACorpusFile) {
  auto c = read_capture(corpus("apc-back-ups-es-850g2.txt"));
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->vendor_id, 0x051d);
  EXPECT_EQ(c->product_id, 0x0002);
  EXPECT_EQ(c->product, "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2");
  EXPECT_EQ(c->manufacturer, std::nullopt);  // only a comment in this file
  EXPECT_EQ(c->descriptor.size(), 1049u);
  EXPECT_EQ(c->descriptor[0], 0x05);
  EXPECT_EQ(c->reports.at(0x0c), (std::vector<std::uint8_t>{0x0c, 0x64, 0x64, 0x03}));
  EXPECT_EQ(c->paths.front(),
            "Path: UPS.PowerSummary.iProduct, Type: Feature, ReportID: 0x01, Offset: 0, Size: 8, Value: 2");
  EXPECT_EQ(c->header_value("device"), "APC Back-UPS ES 850G2");
  EXPECT_FALSE(c->comments.empty());
  EXPECT_EQ(c->string_descriptor(2), c->product);
  EXPECT_EQ(c->string_descriptor(9), std::nullopt);
}

TEST(Capture, ReadsUpscStringsAndInterrupts) {
  const std::string text =
      "vendorid: 051D\nproductid: 0002\nmanufacturer: APC\nserial: 3B1234\n"
      "descriptor:\n05 84 09 30\n75 08\n"
      "strings:\n4: PbAc\n"
      "interrupts:\n16 0c 00 00 00\n13 01\n"
      "upsc:\nbattery.charge: 100\nups.status: OL CHRG\n";
  auto c = read_capture(text);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->vendor_id, 0x051d);
  EXPECT_EQ(c->descriptor.size(), 6u);
  EXPECT_EQ(c->string_descriptor(1), "APC");
  EXPECT_EQ(c->string_descriptor(3), "3B1234");
  EXPECT_EQ(c->string_descriptor(4), "PbAc");
  ASSERT_EQ(c->interrupts.size(), 2u);
  EXPECT_EQ(c->interrupts[1], (std::vector<std::uint8_t>{0x13, 0x01}));
  ASSERT_EQ(c->upsc.size(), 2u);
  EXPECT_EQ(c->upsc[1].second, "OL CHRG");
}

TEST(Capture, EveryCorpusFileWritesAndReadsBackEqual) {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus")) {
    SCOPED_TRACE(entry.path().filename().string());
    const std::string text = corpus(entry.path().filename().string());
    if (text.find("\ndescriptor:\n") == std::string::npos) continue;  // not a capture
    auto original = read_capture(text);
    ASSERT_TRUE(original.ok()) << original.error();
    const std::string written = write_capture(*original);
    auto again = read_capture(written);
    ASSERT_TRUE(again.ok()) << again.error() << "\n" << written;
    EXPECT_EQ(again->vendor_id, original->vendor_id);
    EXPECT_EQ(again->product_id, original->product_id);
    EXPECT_EQ(again->manufacturer, original->manufacturer);
    EXPECT_EQ(again->product, original->product);
    EXPECT_EQ(again->serial, original->serial);
    EXPECT_EQ(again->descriptor, original->descriptor);
    EXPECT_EQ(again->reports, original->reports);
    EXPECT_EQ(again->paths, original->paths);
    EXPECT_EQ(again->upsc, original->upsc);
    EXPECT_EQ(again->comments, original->comments);
    EXPECT_EQ(write_capture(*again), written);
  }
}

TEST(Capture, WriterKeepsBcdDeviceStringsAndInterrupts) {
  Capture c;
  c.vendor_id = 0x0764;
  c.product_id = 0x0501;
  c.bcd_device = 0x0106;
  c.serial.emplace("CXXNN");
  c.descriptor = {0x05, 0x84};
  c.strings[4] = "PbAc";
  c.strings[5] = "";  // would read back as a section name: left out
  c.interrupts = {{0x0b, 0x01}};
  const std::string text = write_capture(c);
  auto back = read_capture(text);
  ASSERT_TRUE(back.ok()) << back.error() << "\n" << text;
  EXPECT_EQ(back->bcd_device, 0x0106);
  EXPECT_EQ(back->serial, "CXXNN");
  EXPECT_EQ(back->strings, (std::map<int, std::string>{{4, "PbAc"}}));
  EXPECT_EQ(back->interrupts, c.interrupts);
  EXPECT_NE(text.find("descriptor-length: 2\n"), std::string::npos);
}

std::string read_error(std::string_view text) {
  auto result = read_capture(text);
  return result.ok() ? "(no error)" : result.error();
}

TEST(Capture, ErrorsNameTheLine) {
  EXPECT_EQ(read_error("vendorid: 051d\ndescriptor:\n05 zz\n"),
            "line 3: bad hex byte \"zz\"");
  EXPECT_EQ(read_error("vendorid: 12345\n"), "line 1: vendorid: bad number \"12345\"");
  EXPECT_EQ(read_error("descriptor-length: 3\ndescriptor:\n05 84\n"),
            "descriptor-length is 3 but the descriptor has 2 bytes");
  EXPECT_EQ(read_error("vendorid: 051d\n"), "no descriptor: section");
  EXPECT_EQ(read_error("descriptor:\n05 84\nreports:\n0x100: 00\n"),
            "line 4: bad number \"100\"");
  EXPECT_EQ(read_error("descriptor:\n05 84\nreports:\n0x01 02 03\n"),
            "line 4: expected \"key: value\"");
  EXPECT_EQ(read_error("just words\n"), "line 1: expected \"key: value\"");
}

TEST(Capture, ReplayAnswersCapturedReportsElseZerosOfTheReportLengthElseStalls) {
  auto c = read_capture(corpus("unknown-5131-2007-nut3227.txt"));
  ASSERT_TRUE(c.ok());
  c->reports.clear();
  c->reports[0x0b] = {0x0b, 0x01};
  // Feature 0x0b is 22 data bytes in this descriptor; 0x0c does not exist.
  Capture copy = *c;
  ReportDescriptor d;
  d.reports.push_back({ReportType::kFeature, 0x0c, 20});
  d.reports.push_back({ReportType::kInput, 0x0d, 8});
  EXPECT_EQ(captured_report(copy, d, ReportType::kFeature, 0x0b), (std::vector<std::uint8_t>{0x0b, 0x01}));
  EXPECT_EQ(captured_report(copy, d, ReportType::kFeature, 0x0c),
            (std::vector<std::uint8_t>{0x0c, 0, 0, 0}));
  EXPECT_EQ(captured_report(copy, d, ReportType::kFeature, 0x0d), std::nullopt);
  EXPECT_EQ(captured_report(copy, d, ReportType::kInput, 0x0d), (std::vector<std::uint8_t>{0x0d, 0}));
  EXPECT_EQ(captured_report(copy, d, ReportType::kFeature, 0x00), (std::vector<std::uint8_t>{0x00}));
}

}  // namespace
}  // namespace walnut::hid
