// NUT's explore dump line by line: format, value printing, unreadable reports, NUT's 8-bit
// offsets and 127-character paths, the vendor report skips; and the descriptor fixes.
#include "drivers/usbhid/hid/explore.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/descriptor_fixes.h"

namespace walnut::hid {
namespace {

const UsageTable& generic() { return *UsageTable::find("explore"); }

Field remaining_capacity() {
  Field f;
  f.path = {0x00840004, 0x00840024, 0x00850066};
  f.type = ReportType::kFeature;
  f.report_id = 0x0c;
  f.bit_size = 8;
  f.logical_maximum = 100;
  return f;
}

TEST(Explore, LineHasNutsFormatWithAndWithoutValue) {
  EXPECT_EQ(explore_line(remaining_capacity(), generic(), 100.0),
            "Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x0c, Offset: 0, "
            "Size: 8, Value: 100");
  EXPECT_EQ(explore_line(remaining_capacity(), generic(), std::nullopt),
            "Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x0c, Offset: 0, "
            "Size: 8");
}

TEST(Explore, ValuesPrintAsPrintfG) {
  const auto line = [](double v) {
    const std::string l = explore_line(remaining_capacity(), generic(), v);
    return l.substr(l.find("Value: ") + 7);
  };
  EXPECT_EQ(line(9438513), "9.43851e+06");
  EXPECT_EQ(line(13.43), "13.43");
  EXPECT_EQ(line(-1), "-1");
  EXPECT_EQ(line(0.1 * 0.1 * 220), "2.2");
  EXPECT_EQ(line(1e-5), "1e-05");
}

TEST(Explore, ReadsEachReportOnceAndOmitsValuesOfUnreadableReports) {
  ReportDescriptor d;
  d.fields = {remaining_capacity(), remaining_capacity(), remaining_capacity()};
  d.fields[1].type = ReportType::kInput;
  d.fields[2].report_id = 0x0d;
  d.reports = {{ReportType::kFeature, 0x0c, 8}, {ReportType::kFeature, 0x0d, 8}};
  std::map<int, int> reads;
  const auto lines = explore_lines(d, generic(), [&](std::uint8_t id) {
    ++reads[id];
    if (id == 0x0d) return std::optional<std::vector<std::uint8_t>>();
    return std::optional<std::vector<std::uint8_t>>({0x0c, 0x2a, 0xff, 0xff});  // longer: cut
  });
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("Type: Feature, ReportID: 0x0c, Offset: 0, Size: 8, Value: 42"), std::string::npos);
  EXPECT_NE(lines[1].find("Type: Input, ReportID: 0x0c, Offset: 0, Size: 8, Value: 42"), std::string::npos);
  EXPECT_EQ(lines[2].find("Value"), std::string::npos);
  EXPECT_EQ(reads, (std::map<int, int>{{0x0c, 1}, {0x0d, 1}}));
}

TEST(Explore, OffsetsWrapAt256AndPathsStopAt127CharactersAsInNut) {
  Field f = remaining_capacity();
  f.bit_offset = 260;
  f.path.assign(20, 0x00840024);  // "PowerSummary." x 20 > 127 characters
  const std::string line = explore_line(f, generic(), std::nullopt);
  EXPECT_NE(line.find(", Offset: 4, Size: 8"), std::string::npos);
  EXPECT_EQ(line.find(", Type:") - std::string("Path: ").size(), 127u);
}

TEST(Explore, SkipsReports254And255OnEatonAndDell) {
  ReportDescriptor d;
  d.fields = {remaining_capacity(), remaining_capacity()};
  d.fields[1].report_id = 0xfe;
  const auto reader = [](std::uint8_t id) { return std::optional<std::vector<std::uint8_t>>({id, 1}); };
  EXPECT_EQ(explore_lines(d, generic(), reader, {0x0463, 0xffff}).size(), 1u);
  EXPECT_EQ(explore_lines(d, generic(), reader, {0x047c, 0x0001}).size(), 1u);
  EXPECT_EQ(explore_lines(d, generic(), reader, {0x051d, 0x0002}).size(), 2u);
}

Result<ReportDescriptor> corpus_descriptor(const std::string& name) {
  std::ifstream in(std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto capture = read_capture(text.str());
  if (!capture) return Error{capture.error()};
  return parse_report_descriptor(capture->descriptor);
}

TEST(DescriptorFixes, ApcWidensInputVoltageRangesOfTheBackUpsXs1400uOnly) {
  auto d = corpus_descriptor("apc-back-ups-xs-1400u.txt");
  ASSERT_TRUE(d.ok()) << d.error();
  const Field before_voltage = *d->find_by_id_and_usage(0x31, 0x00840030);
  const std::int64_t transfer_max = d->find_by_id_and_usage(0x33, 0x00840054)->logical_maximum;
  ASSERT_GT(transfer_max, before_voltage.logical_maximum);
  auto untouched = *d;
  EXPECT_FALSE(apply_descriptor_fixes(untouched, "apc", 0x051d, 0x0003));
  EXPECT_FALSE(apply_descriptor_fixes(untouched, "cps", 0x051d, 0x0002));
  EXPECT_EQ(untouched.find_by_id_and_usage(0x31, 0x00840030)->logical_maximum,
            before_voltage.logical_maximum);
  EXPECT_TRUE(apply_descriptor_fixes(*d, "apc", 0x051d, 0x0002));
  EXPECT_EQ(d->find_by_id_and_usage(0x31, 0x00840030)->logical_minimum, 0);
  EXPECT_EQ(d->find_by_id_and_usage(0x31, 0x00840030)->logical_maximum, 2 * transfer_max);
}

TEST(DescriptorFixes, CpsGivesOutputVoltageItsOwnRangeWhenItCopiesTheTransferRange) {
  ReportDescriptor d;
  Field transfer;
  transfer.report_id = 16;
  transfer.path = {0x00840054};
  transfer.logical_minimum = 140;
  transfer.logical_maximum = 150;
  Field output = transfer;
  output.report_id = 18;
  output.path = {0x00840030};
  d.fields = {transfer, output};
  EXPECT_FALSE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0601));
  EXPECT_TRUE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));
  EXPECT_EQ(d.fields[1].logical_minimum, 0);
  EXPECT_EQ(d.fields[1].logical_maximum, 511);
  EXPECT_FALSE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));  // ranges differ now
}

}  // namespace
}  // namespace walnut::hid
