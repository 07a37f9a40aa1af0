// Tests for drivers/usbhid/transport/usb_match.cpp: NUT's regex device matching.

#include "drivers/usbhid/transport/usb_match.h"

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

DeviceInfo back_ups() {
  DeviceInfo info;
  info.vendor_id = 0x051d;
  info.product_id = 0x0002;
  info.vendor = "American Power Conversion";
  info.product = "Back-UPS ES 700";
  info.serial = "4B1234P56789";
  info.bus = "001";
  info.device = "002";
  info.bus_port = "001";
  return info;
}

bool matches(const MatchCriteria& criteria, const DeviceInfo& info) {
  auto matcher = DeviceMatcher::compile(criteria);
  EXPECT_TRUE(matcher.ok()) << matcher.error();
  return matcher.ok() && matcher->matches(info);
}

TEST(UsbMatch, NoCriteriaMatchesAnyDevice) {
  EXPECT_TRUE(matches(MatchCriteria{}, back_ups()));
  EXPECT_TRUE(matches(MatchCriteria{}, DeviceInfo{}));
}

TEST(UsbMatch, VendorIdIsMatchedAsFourHexDigitsIgnoringCase) {
  MatchCriteria c;
  c.vendor_id = "051D";
  EXPECT_TRUE(matches(c, back_ups()));
  c.vendor_id = "51d";  // NUT formats "%04x": the leading zero is part of the string
  EXPECT_FALSE(matches(c, back_ups()));
  c.vendor_id = "0463";
  EXPECT_FALSE(matches(c, back_ups()));
}

TEST(UsbMatch, PatternMustCoverTheWholeField) {
  MatchCriteria c;
  c.serial = "4B1234";
  EXPECT_FALSE(matches(c, back_ups()));
  c.serial = "4B1234.*";
  EXPECT_TRUE(matches(c, back_ups()));
  c.serial = ".*P567.*";
  EXPECT_TRUE(matches(c, back_ups()));
}

TEST(UsbMatch, AlternationMustStillCoverTheWholeField) {
  MatchCriteria c;
  c.product = "Back|Back-UPS ES 700";
  EXPECT_TRUE(matches(c, back_ups()));
  c.product = "Back-UPS|Smart-UPS";
  EXPECT_FALSE(matches(c, back_ups()));
}

TEST(UsbMatch, StringsMatchCaseInsensitively) {
  MatchCriteria c;
  c.vendor = "american power conversion";
  c.serial = "4b1234p56789";
  EXPECT_TRUE(matches(c, back_ups()));
}

TEST(UsbMatch, ExtendedSyntaxIsUsed) {
  MatchCriteria c;
  c.product = "Back-UPS (ES|XS) [0-9]+";
  EXPECT_TRUE(matches(c, back_ups()));
}

TEST(UsbMatch, FieldIsTrimmedOfBlanksBeforeMatching) {
  DeviceInfo info = back_ups();
  info.serial = "  4B1234P56789 \n";
  MatchCriteria c;
  c.serial = "4B1234P56789";
  EXPECT_TRUE(matches(c, info));
}

TEST(UsbMatch, MissingStringIsMatchedAsEmpty) {
  DeviceInfo info = back_ups();
  info.serial.clear();
  MatchCriteria c;
  c.serial = ".*";
  EXPECT_TRUE(matches(c, info));
  c.serial = "4B.*";
  EXPECT_FALSE(matches(c, info));
}

TEST(UsbMatch, EveryCriterionMustMatch) {
  MatchCriteria c;
  c.vendor_id = "051d";
  c.product_id = "0002";
  c.bus = "001";
  c.device = "003";
  EXPECT_FALSE(matches(c, back_ups()));
  c.device = "002";
  EXPECT_TRUE(matches(c, back_ups()));
  c.bus_port = "002";
  EXPECT_FALSE(matches(c, back_ups()));
}

TEST(UsbMatch, MismatchNamesTheFailingField) {
  MatchCriteria c;
  c.vendor_id = "051d";
  c.serial = "XYZ";
  auto matcher = DeviceMatcher::compile(c);
  ASSERT_TRUE(matcher.ok());
  auto why = matcher->mismatch(back_ups());
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why, "Serial: \"4B1234P56789\" !~ \"XYZ\"");
}

TEST(UsbMatch, InvalidExpressionIsAnErrorNamingTheOption) {
  MatchCriteria c;
  c.product = "Back-UPS (";
  auto matcher = DeviceMatcher::compile(c);
  ASSERT_FALSE(matcher.ok());
  EXPECT_NE(matcher.error().find("product: invalid regular expression \"Back-UPS (\""),
            std::string::npos)
      << matcher.error();
}

TEST(UsbMatch, MatcherCanBeCopiedAndOutlivesTheOriginal) {
  MatchCriteria c;
  c.serial = "4B.*";
  std::optional<DeviceMatcher> copy;
  {
    auto matcher = DeviceMatcher::compile(c);
    ASSERT_TRUE(matcher.ok());
    copy = *matcher;
  }
  EXPECT_TRUE(copy->matches(back_ups()));
}

TEST(UsbMatch, ExactCriteriaMatchOnlyTheSameDevice) {
  DeviceInfo info = back_ups();
  info.product = "Back-UPS ES 700 (FW: 1.0*)";  // metacharacters must be taken literally
  const MatchCriteria exact = exact_criteria(info);
  EXPECT_TRUE(matches(exact, info));

  DeviceInfo other_serial = info;
  other_serial.serial = "4B1234P56780";
  EXPECT_FALSE(matches(exact, other_serial));

  DeviceInfo other_port = info;  // the same UPS on another port is still the same UPS
  other_port.bus = "003";
  other_port.device = "007";
  EXPECT_TRUE(matches(exact, other_port));
}

TEST(UsbMatch, ExactCriteriaOfDeviceWithoutStringsRejectOneWithStrings) {
  DeviceInfo bare = back_ups();
  bare.vendor.clear();
  bare.serial.clear();
  const MatchCriteria exact = exact_criteria(bare);
  EXPECT_TRUE(matches(exact, bare));
  EXPECT_FALSE(matches(exact, back_ups()));
}

TEST(UsbMatch, EscapeRegexEscapesEveryMetacharacter) {
  EXPECT_EQ(escape_regex("a.b*c"), "a\\.b\\*c");
  EXPECT_EQ(escape_regex("(x)[y]{z}|^$+?\\"), "\\(x\\)\\[y\\]\\{z\\}\\|\\^\\$\\+\\?\\\\");
}

}  // namespace
}  // namespace walnut::usbhid
