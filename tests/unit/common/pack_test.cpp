// The packed encoding (common/pack.h): what is written reads back, and a damaged blob reads as an
// error without ever reading past its end.
#include "common/pack.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace walnut {
namespace {

TEST(Pack, NumbersAndTextsReadBackInOrder) {
  PackWriter out;
  out.unsigned_number(0);
  out.unsigned_number(127);
  out.unsigned_number(128);
  out.unsigned_number(std::numeric_limits<std::uint64_t>::max());
  out.signed_number(-1);
  out.signed_number(std::numeric_limits<std::int64_t>::min());
  out.signed_number(std::numeric_limits<std::int64_t>::max());
  out.text("");
  out.text(std::string("a\0b", 3));
  out.flag(true);
  PackReader in(out.bytes());
  EXPECT_EQ(in.unsigned_number(), 0u);
  EXPECT_EQ(in.unsigned_number(), 127u);
  EXPECT_EQ(in.unsigned_number(), 128u);
  EXPECT_EQ(in.unsigned_number(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(in.signed_number(), -1);
  EXPECT_EQ(in.signed_number(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(in.signed_number(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(in.text(), "");
  EXPECT_EQ(in.text(), std::string_view("a\0b", 3));
  EXPECT_TRUE(in.flag());
  EXPECT_TRUE(in.ok());
  EXPECT_TRUE(in.at_end());
}

TEST(Pack, SmallNumbersTakeOneByte) {
  PackWriter out;
  out.unsigned_number(5);
  out.signed_number(-3);
  EXPECT_EQ(out.bytes().size(), 2u);
}

TEST(Pack, EveryTruncationReadsAsAnError) {
  PackWriter out;
  out.unsigned_number(300);
  out.text("hello");
  out.signed_number(-70000);
  const std::string whole = out.bytes();
  for (std::size_t size = 0; size < whole.size(); ++size) {
    PackReader in(std::string_view(whole).substr(0, size));
    (void)in.unsigned_number();
    (void)in.text();
    (void)in.signed_number();
    EXPECT_FALSE(in.ok()) << "cut at " << size;
  }
}

TEST(Pack, AFailedReadStaysFailed) {
  PackReader in(std::string_view("\x05hi", 3));  // a text of 5 bytes with 2 present
  EXPECT_EQ(in.text(), "");
  EXPECT_FALSE(in.ok());
  EXPECT_EQ(in.unsigned_number(), 0u);  // the 'h' is not read as a number afterwards
  EXPECT_FALSE(in.ok());
}

TEST(Pack, AnOverlongNumberIsCorrupt) {
  const std::string eleven(11, '\xFF');  // continuation bits past 64 bits
  PackReader in(eleven);
  (void)in.unsigned_number();
  EXPECT_FALSE(in.ok());
}

TEST(Pack, ACountLargerThanTheBytesLeftIsCorrupt) {
  PackWriter out;
  out.unsigned_number(1000000);  // a million items in a three-byte blob
  PackReader in(out.bytes());
  EXPECT_EQ(in.count(), 0u);
  EXPECT_FALSE(in.ok());
}

}  // namespace
}  // namespace walnut
