// Hand-made descriptors for each HID item type, Push/Pop, usage ranges, signed extents, long
// items, NUT's reading quirks, and every malformed case the parser must refuse.
#include "drivers/usbhid/hid/report_descriptor.h"

#include <gtest/gtest.h>

#include <vector>

namespace walnut::hid {
namespace {

using Bytes = std::vector<std::uint8_t>;

ReportDescriptor parse_ok(const Bytes& bytes) {
  auto result = parse_report_descriptor(bytes);
  EXPECT_TRUE(result.ok()) << result.error();
  return result.ok() ? std::move(result).value() : ReportDescriptor{};
}

std::string parse_error(const Bytes& bytes) {
  auto result = parse_report_descriptor(bytes);
  EXPECT_FALSE(result.ok());
  return result.ok() ? std::string() : result.error();
}

// UPS collection (Power Device page), PowerSummary, report 0x0c: RemainingCapacity Feature.
const Bytes kRemainingCapacity = {
    0x05, 0x84, 0x09, 0x04, 0xa1, 0x01,  // Usage Page (Power Device), Usage (UPS), Collection
    0x09, 0x24, 0xa1, 0x00,              // Usage (PowerSummary), Collection (Physical)
    0x85, 0x0c,                          // Report ID 12
    0x05, 0x85, 0x09, 0x66,              // Usage Page (Battery System), Usage (RemainingCapacity)
    0x75, 0x08, 0x95, 0x01,              // Report Size 8, Report Count 1
    0x15, 0x00, 0x25, 0x64,              // Logical 0..100
    0xb1, 0xa2,                          // Feature (Data, Var, Abs, NoPref, Volatile)
    0xc0, 0xc0};

TEST(ReportDescriptor, FeatureFieldCarriesPathTypeIdOffsetSizeRangeAndFlags) {
  const auto d = parse_ok(kRemainingCapacity);
  ASSERT_EQ(d.fields.size(), 1u);
  const Field& f = d.fields[0];
  EXPECT_EQ(f.path, (UsagePath{0x00840004, 0x00840024, 0x00850066}));
  EXPECT_EQ(f.type, ReportType::kFeature);
  EXPECT_EQ(f.report_id, 0x0c);
  EXPECT_EQ(f.bit_offset, 0u);
  EXPECT_EQ(f.bit_size, 8u);
  EXPECT_EQ(f.logical_minimum, 0);
  EXPECT_EQ(f.logical_maximum, 100);
  EXPECT_FALSE(f.has_physical_minimum);
  EXPECT_EQ(f.flags, 0xa2u);
  EXPECT_TRUE(f.flags & kFlagVariable);
  EXPECT_TRUE(f.flags & kFlagVolatile);
  EXPECT_FALSE(f.flags & kFlagConstant);
  EXPECT_TRUE(d.uses_report_ids);
  EXPECT_EQ(d.report_size(ReportType::kFeature, 0x0c), 1u);
  EXPECT_EQ(d.report_size(ReportType::kInput, 0x0c), 0u);
  EXPECT_EQ(d.buffer_size(0x0c), 2u);
  EXPECT_EQ(d.buffer_size(0x0d), 1u);
}

TEST(ReportDescriptor, InputOutputAndFeatureEachCountTheirOwnOffsets) {
  const Bytes bytes = {0x05, 0x84, 0x85, 0x01, 0x75, 0x04, 0x95, 0x01, 0x25, 0x0f,
                       0x09, 0x30, 0x81, 0x02,   // Input Voltage at 0
                       0x09, 0x31, 0x91, 0x02,   // Output Current at 0 (its own count)
                       0x09, 0x32, 0xb1, 0x02,   // Feature Frequency at 0
                       0x09, 0x33, 0x81, 0x06,   // Input ApparentPower at 4, relative
                       0x09, 0x34, 0x81, 0x43};  // Input ActivePower at 8, null state
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 5u);
  EXPECT_EQ(d.fields[0].type, ReportType::kInput);
  EXPECT_EQ(d.fields[1].type, ReportType::kOutput);
  EXPECT_EQ(d.fields[1].bit_offset, 0u);
  EXPECT_EQ(d.fields[2].type, ReportType::kFeature);
  EXPECT_EQ(d.fields[2].bit_offset, 0u);
  EXPECT_EQ(d.fields[3].bit_offset, 4u);
  EXPECT_TRUE(d.fields[3].flags & kFlagRelative);
  EXPECT_EQ(d.fields[4].bit_offset, 8u);
  EXPECT_TRUE(d.fields[4].flags & kFlagNullState);
  EXPECT_EQ(d.report_size(ReportType::kInput, 1), 2u);
  EXPECT_EQ(d.report_size(ReportType::kOutput, 1), 1u);
  EXPECT_EQ(d.buffer_size(1), 3u);
  ASSERT_EQ(d.reports.size(), 3u);
  EXPECT_EQ(d.reports[0].type, ReportType::kInput);
  EXPECT_EQ(d.reports[0].bit_length, 12u);
}

TEST(ReportDescriptor, UsagesNameControlsInOrderAndControlsWithoutUsageArePadding) {
  // Three usages, count 5 of 1 bit: two unnamed controls take bits 3 and 4; then 3 bits of
  // constant padding; then a byte.
  const Bytes bytes = {0x05, 0x85, 0x85, 0x16, 0x09, 0xd0, 0x09, 0x44, 0x09, 0x45,
                       0x75, 0x01, 0x95, 0x05, 0x25, 0x01, 0x81, 0x02,
                       0x95, 0x03, 0x81, 0x01,
                       0x09, 0x66, 0x75, 0x08, 0x95, 0x01, 0x26, 0xff, 0x00, 0x81, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 4u);
  EXPECT_EQ(d.fields[0].path, UsagePath{0x008500d0});
  EXPECT_EQ(d.fields[1].bit_offset, 1u);
  EXPECT_EQ(d.fields[2].path, UsagePath{0x00850045});
  EXPECT_EQ(d.fields[2].bit_offset, 2u);
  EXPECT_EQ(d.fields[3].path, UsagePath{0x00850066});
  EXPECT_EQ(d.fields[3].bit_offset, 8u);
  EXPECT_EQ(d.report_size(ReportType::kInput, 0x16), 2u);
}

TEST(ReportDescriptor, LocalUsagesDoNotCarryOverToTheNextMainItem) {
  // APC sends redundant usages: the unused one must not name the next control.
  const Bytes bytes = {0x05, 0x84, 0x75, 0x08, 0x95, 0x01, 0x26, 0xff, 0x00,
                       0x09, 0x30, 0x09, 0x31, 0xb1, 0x02,  // Voltage; Current unused
                       0xb1, 0x02,                          // no usage: padding
                       0x09, 0x32, 0xb1, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 2u);
  EXPECT_EQ(d.fields[0].path, UsagePath{0x00840030});
  EXPECT_EQ(d.fields[1].path, UsagePath{0x00840032});
  EXPECT_EQ(d.fields[1].bit_offset, 16u);
}

TEST(ReportDescriptor, UsageMinimumMaximumRangeNamesConsecutiveControls) {
  const Bytes bytes = {0x05, 0x84, 0x19, 0x30, 0x29, 0x32,  // Usage Minimum/Maximum 0x30..0x32
                       0x75, 0x08, 0x95, 0x04, 0x26, 0xff, 0x00, 0xb1, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 3u);
  EXPECT_EQ(d.fields[0].path, UsagePath{0x00840030});
  EXPECT_EQ(d.fields[2].path, UsagePath{0x00840032});
  EXPECT_EQ(d.fields[2].bit_offset, 16u);
  EXPECT_EQ(d.report_size(ReportType::kFeature, 0), 4u);
}

TEST(ReportDescriptor, ExtendedUsageCarriesItsOwnPage) {
  const Bytes bytes = {0x05, 0x84, 0x0b, 0x60, 0x00, 0x86, 0xff,  // Usage ff860060 (4 bytes)
                       0x1b, 0x01, 0x00, 0x85, 0x00, 0x2b, 0x02, 0x00, 0x85, 0x00,  // 00850001..2
                       0x75, 0x08, 0x95, 0x03, 0x26, 0xff, 0x00, 0x81, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 3u);
  EXPECT_EQ(d.fields[0].path, UsagePath{0xff860060});
  EXPECT_EQ(d.fields[1].path, UsagePath{0x00850001});
  EXPECT_EQ(d.fields[2].path, UsagePath{0x00850002});
}

TEST(ReportDescriptor, PushAndPopSaveAndRestoreTheGlobalState) {
  const Bytes bytes = {0x05, 0x84, 0x85, 0x01, 0x75, 0x08, 0x95, 0x01, 0x15, 0x00, 0x25, 0x64,
                       0xa4,                                      // Push
                       0x85, 0x02, 0x75, 0x10, 0x15, 0x9c, 0x25, 0x64, 0x55, 0x0e,
                       0x09, 0x36, 0xb1, 0x02,                    // report 2: 16-bit, -100..100
                       0xb4,                                      // Pop
                       0x09, 0x35, 0xb1, 0x02};                   // report 1 again: 8-bit 0..100
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 2u);
  EXPECT_EQ(d.fields[0].report_id, 2);
  EXPECT_EQ(d.fields[0].bit_size, 16u);
  EXPECT_EQ(d.fields[0].logical_minimum, -100);
  EXPECT_EQ(d.fields[0].unit_exponent, -2);
  EXPECT_EQ(d.fields[1].report_id, 1);
  EXPECT_EQ(d.fields[1].bit_size, 8u);
  EXPECT_EQ(d.fields[1].logical_minimum, 0);
  EXPECT_EQ(d.fields[1].logical_maximum, 100);
  EXPECT_EQ(d.fields[1].unit_exponent, 0);
}

TEST(ReportDescriptor, LogicalAndPhysicalExtentsAreSignExtendedByTheirEncodedSize) {
  const Bytes bytes = {0x05, 0x84, 0x75, 0x10, 0x95, 0x01,
                       0x16, 0x00, 0x80, 0x26, 0xff, 0x7f,  // Logical -32768..32767
                       0x35, 0xf6, 0x47, 0x10, 0x27, 0x00, 0x00,  // Physical -10..10000
                       0x09, 0x36, 0xb1, 0x02,
                       0x17, 0xff, 0xff, 0xff, 0xff, 0x25, 0x7f,  // Logical -1 (4 bytes)..127
                       0x09, 0x37, 0xb1, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 2u);
  EXPECT_EQ(d.fields[0].logical_minimum, -32768);
  EXPECT_EQ(d.fields[0].logical_maximum, 32767);
  EXPECT_EQ(d.fields[0].physical_minimum, -10);
  EXPECT_EQ(d.fields[0].physical_maximum, 10000);
  EXPECT_TRUE(d.fields[0].has_physical_minimum);
  EXPECT_TRUE(d.fields[0].has_physical_maximum);
  EXPECT_EQ(d.fields[1].logical_minimum, -1);
  EXPECT_EQ(d.fields[1].logical_maximum, 127);
  EXPECT_TRUE(d.warnings.empty());
}

TEST(ReportDescriptor, LogicalMaximumBelowMinimumIsRereadUnsignedAsNutDoes) {
  // 0xFFFF in two bytes reads as -1 < 0: NUT takes 65535 and warns.
  const Bytes bytes = {0x05, 0x84, 0x85, 0x07, 0x75, 0x10, 0x95, 0x01, 0x15, 0x00,
                       0x26, 0xff, 0xff, 0x09, 0x57, 0xb1, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 1u);
  EXPECT_EQ(d.fields[0].logical_maximum, 65535);
  EXPECT_TRUE(d.fields[0].logical_maximum_reinterpreted);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "LogMax is less than LogMin. Vendor HID report descriptor may be incorrect; "
            "interpreting LogMax -1 as 65535 in ReportID: 0x07");
}

// NUT 2.8.5's assumed_LogMax (hidparser.c:422) stays set in the parser's running item: a field
// declared after the reinterpreted one carries it even with a well-formed maximum of its own.
TEST(ReportDescriptor, AssumedLogicalMaximumSticksToEveryLaterFieldAsInNut285) {
  const Bytes bytes = {0x05, 0x84, 0x75, 0x10, 0x95, 0x01, 0x15, 0x00,
                       0x85, 0x01, 0x26, 0xff, 0x00, 0x09, 0x30, 0xb1, 0x02,   // 0..255: nothing assumed
                       0x85, 0x0f, 0x26, 0xff, 0xff, 0x09, 0x30, 0xb1, 0x02,   // -1: read as 65535
                       0x85, 0x12, 0x26, 0xff, 0x00, 0x09, 0x30, 0xb1, 0x02};  // 0..255 again
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 3u);
  EXPECT_FALSE(d.fields[0].logical_maximum_assumed);
  EXPECT_TRUE(d.fields[1].logical_maximum_assumed);
  EXPECT_TRUE(d.fields[1].logical_maximum_reinterpreted);
  EXPECT_EQ(d.fields[2].logical_maximum, 255);
  EXPECT_FALSE(d.fields[2].logical_maximum_reinterpreted);
  EXPECT_TRUE(d.fields[2].logical_maximum_assumed);
}

TEST(ReportDescriptor, UnitAndUnitExponentFollowNutsNibbleRule) {
  const Bytes bytes = {0x05, 0x84, 0x75, 0x08, 0x95, 0x01, 0x26, 0xff, 0x00,
                       0x67, 0x21, 0xd1, 0xf0, 0x00, 0x55, 0x05, 0x09, 0x30, 0xb1, 0x02,
                       0x55, 0x0e, 0x09, 0x31, 0xb1, 0x02,   // nibble 0xE = -2
                       0x55, 0xfd, 0x09, 0x32, 0xb1, 0x02,   // full byte -3
                       0x55, 0x07, 0x09, 0x33, 0xb1, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 4u);
  EXPECT_EQ(d.fields[0].unit, 0x00f0d121u);
  EXPECT_EQ(d.fields[0].unit_exponent, 5);
  EXPECT_EQ(d.fields[1].unit_exponent, -2);
  EXPECT_EQ(d.fields[2].unit_exponent, -3);
  EXPECT_EQ(d.fields[3].unit_exponent, 7);
}

TEST(ReportDescriptor, NestedCollectionsBuildThePathAndVendorCollectionsAddAnIndexNode) {
  const Bytes bytes = {0x05, 0x84, 0x09, 0x04, 0xa1, 0x01,       // UPS
                       0x09, 0x1a, 0xa1, 0x81,                   // Input, vendor type 0x81
                       0x09, 0x30, 0x75, 0x08, 0x95, 0x01, 0x26, 0xff, 0x00, 0xb1, 0x02,
                       0xc0,
                       0x09, 0x1c, 0xa1, 0x00, 0x09, 0x30, 0xb1, 0x02, 0xc0,  // Output.Voltage
                       0xa1, 0x00, 0x09, 0x31, 0xb1, 0x02, 0xc0,              // no usage: 0
                       0xc0};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 3u);
  EXPECT_EQ(d.fields[0].path, (UsagePath{0x00840004, 0x0084001a, 0x00ff0001, 0x00840030}));
  EXPECT_EQ(d.fields[1].path, (UsagePath{0x00840004, 0x0084001c, 0x00840030}));
  EXPECT_EQ(d.fields[2].path, (UsagePath{0x00840004, 0x00000000, 0x00840031}));
}

TEST(ReportDescriptor, LongItemsAreSkipped) {
  Bytes bytes = {0xfe, 0x03, 0xf0, 0x01, 0x02, 0x03};  // long item, 3 data bytes
  bytes.insert(bytes.end(), kRemainingCapacity.begin(), kRemainingCapacity.end());
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 1u);
  EXPECT_EQ(d.fields[0].path.back(), 0x00850066u);
}

TEST(ReportDescriptor, FieldsUpTo32BitsAndMultipleReportIds) {
  const Bytes bytes = {0x05, 0x84, 0x85, 0x01, 0x75, 0x20, 0x95, 0x01,
                       0x17, 0x01, 0x00, 0x00, 0x80, 0x27, 0xff, 0xff, 0xff, 0x7f,
                       0x09, 0x57, 0xb1, 0x02,
                       0x85, 0x02, 0x75, 0x18, 0x09, 0x56, 0xb1, 0x02, 0x09, 0x55, 0xb1, 0x02};
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 3u);
  EXPECT_EQ(d.fields[0].bit_size, 32u);
  EXPECT_EQ(d.fields[0].logical_minimum, -2147483647);
  EXPECT_EQ(d.fields[0].logical_maximum, 2147483647);
  EXPECT_EQ(d.fields[2].report_id, 2);
  EXPECT_EQ(d.fields[2].bit_offset, 24u);
  EXPECT_EQ(d.report_size(ReportType::kFeature, 1), 4u);
  EXPECT_EQ(d.report_size(ReportType::kFeature, 2), 6u);
}

TEST(ReportDescriptor, FindMatchesAPathPrefixOfTheRequestedTypeInDescriptorOrder) {
  const auto d = parse_ok(kRemainingCapacity);
  const UsagePath full = {0x00840004, 0x00840024, 0x00850066};
  EXPECT_EQ(d.find(full, ReportType::kFeature), &d.fields[0]);
  EXPECT_EQ(d.find({0x00840004}, ReportType::kFeature), &d.fields[0]);
  EXPECT_EQ(d.find(full, ReportType::kInput), nullptr);
  EXPECT_EQ(d.find({0x00840004, 0x00840025}, ReportType::kFeature), nullptr);
  EXPECT_EQ(d.find({}, ReportType::kFeature), nullptr);
  auto copy = d;
  EXPECT_EQ(copy.find_by_id_and_usage(0x0c, 0x00850066), &copy.fields[0]);
  EXPECT_EQ(copy.find_by_id_and_usage(0x0d, 0x00850066), nullptr);
}

TEST(ReportDescriptor, MalformedDescriptorsAreErrorsNamingTheByte) {
  EXPECT_EQ(parse_error({}), "report descriptor declares no fields");
  EXPECT_EQ(parse_error({0x05, 0x84, 0x26, 0xff}), "byte 2: truncated item 0x26");
  EXPECT_EQ(parse_error({0x05, 0x84, 0xfe, 0x05, 0x00, 0x01}), "byte 2: truncated long item");
  EXPECT_EQ(parse_error({0x05, 0x84, 0xfe}), "byte 2: truncated long item");
  EXPECT_EQ(parse_error({0x09, 0x30, 0xc0}), "byte 2: End Collection without Collection");
  EXPECT_EQ(parse_error({0x09, 0x04, 0xa1, 0x01, 0x09, 0x30, 0x75, 0x08, 0x95, 0x01, 0xb1, 0x02}),
            "unbalanced collections: 1 not closed at the end");
  EXPECT_EQ(parse_error({0xb4}), "byte 0: Pop without Push");
  EXPECT_EQ(parse_error({0x76, 0x00, 0x01}), "byte 0: Report Size 256 too large");
  EXPECT_EQ(parse_error({0x97, 0x00, 0x00, 0x01, 0x00}), "byte 0: Report Count 65536 too large");
  EXPECT_EQ(parse_error({0x86, 0x00, 0x01}), "byte 0: Report ID above 255");
  EXPECT_EQ(parse_error({0x75, 0x08, 0x96, 0x01, 0x10, 0x09, 0x30, 0xb1, 0x02}),
            "byte 7: report 0x00 longer than 32768 bits");
  EXPECT_EQ(parse_error({0x05, 0x84, 0x19, 0x40, 0x29, 0x30}),
            "byte 4: Usage Maximum below Usage Minimum");
  EXPECT_EQ(parse_error({0x75, 0x08, 0x95, 0x01, 0xb1, 0x01}),
            "report descriptor declares no fields");  // padding only
}

TEST(ReportDescriptor, AbsurdNestingAndPushDepthAreRefused) {
  Bytes deep;
  for (int i = 0; i < 40; ++i) deep.insert(deep.end(), {0x09, 0x04, 0xa1, 0x00});
  EXPECT_NE(parse_error(deep).find("collections nested too deeply"), std::string::npos);
  Bytes pushes(40, 0xa4);
  EXPECT_NE(parse_error(pushes).find("Push nested too deeply"), std::string::npos);
}

TEST(ReportDescriptor, HugeUsageRangesAndCountsStayBounded) {
  // Usage 0..0xFFFFFFFF range and 4096 controls: fields stop at the usage cap, memory bounded.
  const Bytes bytes = {0x1b, 0x01, 0x00, 0x00, 0x00, 0x2b, 0xff, 0xff, 0xff, 0xff,
                       0x75, 0x01, 0x96, 0x00, 0x10, 0x81, 0x02};
  const auto d = parse_ok(bytes);
  EXPECT_EQ(d.fields.size(), kMaxUsagesPerItem);
  // Many such items cannot exceed the field cap.
  Bytes many = {0x75, 0x01, 0x95, 0xff, 0x85, 0x01};
  for (int id = 1; id <= 60; ++id) {
    many.insert(many.end(), {0x85, static_cast<std::uint8_t>(id), 0x1b, 0x01, 0x00, 0x00, 0x00,
                             0x2b, 0xff, 0xff, 0xff, 0xff, 0x81, 0x02});
  }
  auto result = parse_report_descriptor(many);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("too many fields"), std::string::npos);
}

TEST(ReportDescriptor, ZeroSizeControlsWithHugeCountsAddNoBitsAndNoFields) {
  Bytes bytes = {0x75, 0x00, 0x96, 0x00, 0x80};  // Report Size 0, Report Count 32768
  for (int i = 0; i < 20000; ++i) bytes.insert(bytes.end(), {0x81, 0x02});
  bytes.insert(bytes.end(), {0x05, 0x84, 0x09, 0x30, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02});
  const auto d = parse_ok(bytes);
  ASSERT_EQ(d.fields.size(), 1u);
  EXPECT_EQ(d.fields[0].bit_offset, 0u);
  EXPECT_EQ(d.report_size(ReportType::kInput, 0), 1u);
}

}  // namespace
}  // namespace walnut::hid
