// The report codec against NUT's own golden vectors (tests/getvaluetest.c) and its conversion
// rules: physical ranges, unit exponents, and writes that keep every other bit.
#include "drivers/usbhid/hid/codec.h"

#include <gtest/gtest.h>

#include <vector>

namespace walnut::hid {
namespace {

using Bytes = std::vector<std::uint8_t>;

Field field(std::uint32_t offset, std::uint32_t size, std::int64_t lo, std::int64_t hi) {
  Field f;
  f.bit_offset = offset;
  f.bit_size = size;
  f.logical_minimum = lo;
  f.logical_maximum = hi;
  return f;
}

TEST(Codec, ExtractsNutsGetValueGoldenVectors) {
  struct Case {
    Bytes report;
    std::uint32_t offset, size;
    std::int64_t lo, hi, expected;
  };
  const std::vector<Case> cases = {
      {{0x00, 0xff, 0xff, 0xff, 0xff}, 0, 32, -1, 2147483647, -1},
      {{0x00, 0xff}, 0, 8, -1, 127, -1},
      {{0x00, 0xff}, 0, 8, 0, 127, 127},
      {{0x00, 0xff}, 0, 8, 0, 255, 255},
      {{0x33, 0x00, 0x0a, 0x08, 0x80}, 0, 32, 0, 65535, 2560},
      {{0x00, 0x00, 0x08, 0x00, 0x00}, 0, 32, 0, 65535, 2048},
      {{0x06, 0x00, 0x00, 0x08}, 16, 8, 0, 255, 8},
      {{0x16, 0x0c, 0x00, 0x00, 0x00}, 1, 1, 0, 1, 0},
      {{0x16, 0x0c, 0x00, 0x00, 0x00}, 2, 1, 0, 1, 1},
      {{0x16, 0x0c, 0x00, 0x00, 0x00}, 3, 1, 0, 1, 1},
      {{0x16, 0x0c, 0x00, 0x00, 0x00}, 4, 1, 0, 1, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(extract_logical(c.report, field(c.offset, c.size, c.lo, c.hi)), c.expected)
        << "offset " << c.offset << " size " << c.size << " range " << c.lo << ".." << c.hi;
  }
}

TEST(Codec, SignExtendsWhenLogicalMinimumIsNegativeAndReadsUnsignedOtherwise) {
  const Bytes report = {0x15, 0xff, 0xff};
  EXPECT_EQ(extract_logical(report, field(0, 16, -32768, 32767)), -1);
  EXPECT_EQ(extract_logical(report, field(0, 16, 0, 65535)), 65535);
  EXPECT_EQ(extract_bits(report, field(0, 16, 0, 1)), 0xffffu);
  EXPECT_EQ(extract_logical(Bytes{0x01, 0x9c}, field(0, 8, -100, 100)), -100);
}

TEST(Codec, BitsPastTheEndOfTheReportReadAsZero) {
  EXPECT_EQ(extract_logical(Bytes{0x01, 0xff}, field(0, 24, 0, 0xffffff)), 0xff);
  EXPECT_EQ(extract_logical(Bytes{}, field(0, 8, 0, 255)), 0);
}

TEST(Codec, LogicalToPhysicalUsesTheDeclaredRangeOnlyWhenNutDoes) {
  Field f = field(0, 8, 0, 255);
  EXPECT_EQ(logical_to_physical(f, 200), 200.0);  // no physical range
  f.has_physical_minimum = f.has_physical_maximum = true;
  f.physical_minimum = 0;
  f.physical_maximum = 0;
  EXPECT_EQ(logical_to_physical(f, 200), 200.0);  // both zero: ignored
  f.physical_maximum = 510;
  EXPECT_EQ(logical_to_physical(f, 100), 200.0);
  EXPECT_EQ(physical_to_logical(f, 200.0), 100);
  EXPECT_EQ(physical_to_logical(f, 9999.0), 255);  // clamped
  f.physical_minimum = 600;  // decreasing: NUT's "paranoia" falls back to logical
  EXPECT_EQ(logical_to_physical(f, 100), 100.0);
}

TEST(Codec, UnitExponentIsTakenRelativeTo7ForVoltAndPowerUnits) {
  Field volts = field(0, 16, 0, 65535);
  volts.unit = 0x00f0d121;
  volts.unit_exponent = 5;  // APC: ×0.01
  EXPECT_EQ(effective_unit_exponent(volts), -2);
  EXPECT_DOUBLE_EQ(logical_to_value(volts, 1343), 13.43);
  volts.unit_exponent = 7;
  EXPECT_EQ(logical_to_value(volts, 230), 230.0);
  Field seconds = field(0, 16, 0, 65535);
  seconds.unit = 0x00001001;
  seconds.unit_exponent = -1;
  EXPECT_EQ(effective_unit_exponent(seconds), -1);
  // NUT's repeated multiplication, not pow(): 0.1 * 0.1 differs from 0.01 in the last bit.
  EXPECT_EQ(power_of_ten(-2), 0.1 * (0.1 * 1));
  EXPECT_EQ(power_of_ten(3), 1000.0);
  EXPECT_EQ(power_of_ten(0), 1.0);
}

TEST(Codec, ValueRoundTripsThroughTheInverseConversion) {
  Field volts = field(0, 16, 0, 65535);
  volts.unit = 0x00f0d121;
  volts.unit_exponent = 5;
  // NUT divides by its inexact 10^-2 and truncates: 13.43 V is written as 1342, not 1343.
  EXPECT_EQ(value_to_logical(volts, 13.43), 1342);
  EXPECT_EQ(value_to_logical(volts, 230.0), 22999);
  volts.unit_exponent = 7;
  EXPECT_EQ(value_to_logical(volts, 230.0), 230);
  EXPECT_EQ(value_to_logical(volts, -5.0), -5);  // NUT clamps only with a physical range
  Field plain = field(0, 16, -1, 32767);
  EXPECT_EQ(value_to_logical(plain, -1.0), -1);
  EXPECT_EQ(value_to_logical(plain, 20.9), 20);  // truncates like a C cast
}

TEST(Codec, InsertWritesOnlyTheFieldsBits) {
  Bytes report = {0x16, 0xff, 0xff, 0xff};
  ASSERT_TRUE(insert_logical(report, field(4, 8, 0, 255), 0x00).ok());
  EXPECT_EQ(report, (Bytes{0x16, 0x0f, 0xf0, 0xff}));
  ASSERT_TRUE(insert_logical(report, field(20, 4, 0, 15), 0x5).ok());
  EXPECT_EQ(report, (Bytes{0x16, 0x0f, 0xf0, 0x5f}));
  ASSERT_TRUE(insert_logical(report, field(0, 16, -1, 32767), -1).ok());
  EXPECT_EQ(report, (Bytes{0x16, 0xff, 0xff, 0x5f}));
  EXPECT_EQ(extract_logical(report, field(0, 16, -1, 32767)), -1);
}

TEST(Codec, InsertRefusesFieldsThatDoNotFitOrThatNutCallsConstant) {
  Bytes report = {0x01, 0x00};
  EXPECT_FALSE(insert_logical(report, field(4, 8, 0, 255), 1).ok());
  EXPECT_EQ(report, (Bytes{0x01, 0x00}));
  Field constant = field(0, 8, 0, 255);
  constant.flags = kFlagConstant;
  EXPECT_FALSE(insert_value(report, constant, 1).ok());
  constant.flags = kFlagConstant | kFlagVariable;  // NUT refuses only exactly 0x01
  EXPECT_TRUE(insert_value(report, constant, 7).ok());
  EXPECT_EQ(report, (Bytes{0x01, 0x07}));
}

TEST(Codec, GarbageAboveTheLogicalRangeIsMaskedAwayAsOnApcBf500) {
  // LogMax 0xffff in a 32-bit field holding 0x80080a00: NUT keeps the low 16 bits.
  const Bytes report = {0x33, 0x00, 0x0a, 0x08, 0x80};
  EXPECT_EQ(extract_value(report, field(0, 32, 0, 65535)), 2560.0);
}

}  // namespace
}  // namespace walnut::hid
