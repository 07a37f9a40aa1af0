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

Field cps_field(std::uint8_t report_id, Usage usage, std::int64_t min, std::int64_t max) {
  Field field;
  field.report_id = report_id;
  field.path = {usage};
  field.bit_size = 16;
  field.logical_minimum = min;
  field.logical_maximum = max;
  return field;
}

constexpr Usage kVoltage = 0x00840030;
constexpr Usage kHighVoltageTransfer = 0x00840054;
constexpr Usage kConfigActivePower = 0x00840044;

// cps-hid.c:519-570 (2.8.5): output Voltage with the transfer's range becomes 0..511, and input
// Voltage too where it has that range (NUT commits f98c8e508, 006e8792a); 0764:0601 is fixed
// since commit bfeeeb27c, Cyber Energy's 0483:a430 never (cps-hid.c:494).
TEST(DescriptorFixes, CpsGivesBothVoltagesTheirOwnRangeWhenTheyCopyTheTransferRange) {
  ReportDescriptor d;
  d.fields = {cps_field(16, kHighVoltageTransfer, 140, 150), cps_field(18, kVoltage, 140, 150),
              cps_field(15, kVoltage, 140, 150)};
  auto other = d;
  EXPECT_FALSE(apply_descriptor_fixes(other, "cps", 0x0483, 0xa430));
  EXPECT_FALSE(apply_descriptor_fixes(other, "cps", 0x0764, 0x0005));
  EXPECT_EQ(other.fields[1].logical_maximum, 150);
  auto or2200 = d;
  EXPECT_TRUE(apply_descriptor_fixes(or2200, "cps", 0x0764, 0x0601));
  EXPECT_TRUE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));
  for (const auto* fixed : {&d, &or2200}) {
    EXPECT_EQ(fixed->fields[1].logical_minimum, 0);
    EXPECT_EQ(fixed->fields[1].logical_maximum, 511);
    EXPECT_EQ(fixed->fields[2].logical_minimum, 0);
    EXPECT_EQ(fixed->fields[2].logical_maximum, 511);
  }
  EXPECT_FALSE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));  // ranges differ now
  // An input voltage with a range of its own keeps it.
  ReportDescriptor own;
  own.fields = {cps_field(16, kHighVoltageTransfer, 140, 150), cps_field(18, kVoltage, 140, 150),
                cps_field(15, kVoltage, 0, 300)};
  EXPECT_TRUE(apply_descriptor_fixes(own, "cps", 0x0764, 0x0501));
  EXPECT_EQ(own.fields[2].logical_maximum, 300);
}

// cps-hid.c:572-671 (2.8.5, NUT commit 94d65f677 and its #2718 follow-ups), worked by hand: an
// assumed maximum is raised to 511, then to the other voltage's, then cut to 2^Size - 1.
TEST(DescriptorFixes, CpsAlignsAssumedVoltageMaximumsAsNut285Does) {
  // #1512's pattern: input (0x0f) 65535 read unsigned, output (0x12) 255 after it, so NUT marks
  // both assumed; output is raised to 511, then to 65535, which a 16-bit field holds.
  ReportDescriptor d;
  d.fields = {cps_field(15, kVoltage, 0, 65535), cps_field(18, kVoltage, 0, 255)};
  d.fields[0].logical_maximum_assumed = d.fields[1].logical_maximum_assumed = true;
  EXPECT_TRUE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));
  EXPECT_EQ(d.fields[0].logical_maximum, 65535);
  EXPECT_EQ(d.fields[1].logical_maximum, 65535);
  // An 8-bit output: raised to 511, to 65535, then cut to 255; the 16-bit input keeps 65535.
  ReportDescriptor narrow;
  narrow.fields = {cps_field(15, kVoltage, 0, 65535), cps_field(18, kVoltage, 0, 200)};
  narrow.fields[1].bit_size = 8;
  narrow.fields[0].logical_maximum_assumed = narrow.fields[1].logical_maximum_assumed = true;
  EXPECT_TRUE(apply_descriptor_fixes(narrow, "cps", 0x0764, 0x0501));
  EXPECT_EQ(narrow.fields[0].logical_maximum, 65535);
  EXPECT_EQ(narrow.fields[1].logical_maximum, 255);
  // Only the input assumed (it came after the output): 255 is raised to 511, the output stays.
  ReportDescriptor input_only;
  input_only.fields = {cps_field(18, kVoltage, 0, 255), cps_field(15, kVoltage, 0, 255)};
  input_only.fields[1].logical_maximum_assumed = true;
  EXPECT_TRUE(apply_descriptor_fixes(input_only, "cps", 0x0764, 0x0601));
  EXPECT_EQ(input_only.fields[0].logical_maximum, 255);
  EXPECT_EQ(input_only.fields[1].logical_maximum, 511);
  // Nothing assumed: nothing changes.
  ReportDescriptor plain;
  plain.fields = {cps_field(15, kVoltage, 0, 255), cps_field(18, kVoltage, 0, 255)};
  EXPECT_FALSE(apply_descriptor_fixes(plain, "cps", 0x0764, 0x0501));
}

// cps-hid.c:673-696 (2.8.5, NUT commits c883e506c, 1e35fac07, #2917): a ConfigActivePower maximum
// below 2048 clips real nominal powers; it becomes 2048, a larger one stays.
TEST(DescriptorFixes, CpsRaisesAConfigActivePowerMaximumBelow2048) {
  ReportDescriptor d;
  d.fields = {cps_field(24, kConfigActivePower, 0, 900)};
  EXPECT_TRUE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));
  EXPECT_EQ(d.fields[0].logical_maximum, 2048);
  EXPECT_FALSE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0501));
  d.fields[0].logical_maximum = 4000;
  EXPECT_FALSE(apply_descriptor_fixes(d, "cps", 0x0764, 0x0601));
  EXPECT_EQ(d.fields[0].logical_maximum, 4000);
}

}  // namespace
}  // namespace walnut::hid
