#include "tests/bench/reply_scanner.h"

#include <gtest/gtest.h>

namespace walnut::bench {
namespace {

TEST(ReplyScanner, EveryLineIsAReplyForGetVar) {
  ReplyScanner scanner(ReplyShape::kOneLine);
  EXPECT_EQ(scanner.feed("VAR bench ups.status \"OL\"\nVAR bench ups.load \"23"), 1);
  EXPECT_TRUE(scanner.in_reply());
  EXPECT_EQ(scanner.feed(".0\"\n"), 1);
  EXPECT_EQ(scanner.last_line(), "VAR bench ups.load \"23.0\"");
  EXPECT_FALSE(scanner.in_reply());
  EXPECT_EQ(scanner.errors(), 0u);
}

TEST(ReplyScanner, ListEndsAtEndListSplitAnywhere) {
  ReplyScanner scanner(ReplyShape::kList);
  std::string reply =
      "BEGIN LIST VAR bench\nVAR bench a \"1\"\nVAR bench b \"2\"\nEND LIST VAR bench\n";
  int completed = 0;
  for (char byte : reply) completed += scanner.feed(std::string_view(&byte, 1));
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(scanner.lines(), 4u);
  EXPECT_FALSE(scanner.in_reply());
}

TEST(ReplyScanner, ErrInsteadOfAListEndsTheReply) {
  ReplyScanner scanner(ReplyShape::kList);
  EXPECT_EQ(scanner.feed("ERR UNKNOWN-UPS\r\n"), 1);
  EXPECT_EQ(scanner.errors(), 1u);
  EXPECT_EQ(scanner.last_line(), "ERR UNKNOWN-UPS");
}

TEST(ReplyScanner, PipelinedListsAreCountedSeparately) {
  ReplyScanner scanner(ReplyShape::kList);
  std::string one = "BEGIN LIST VAR u\nVAR u x \"ERR \"\nEND LIST VAR u\n";
  EXPECT_EQ(scanner.feed(one + one + one), 3);
  EXPECT_EQ(scanner.errors(), 0u);
}

TEST(ReplyScanner, KeepsOnlyTheStartOfAHugeLine) {
  ReplyScanner scanner(ReplyShape::kOneLine);
  std::string huge(100000, 'x');
  EXPECT_EQ(scanner.feed(huge), 0);
  EXPECT_EQ(scanner.feed("\n"), 1);
  EXPECT_EQ(scanner.last_line().size(), ReplyScanner::kMaxKeptLine);
}

}  // namespace
}  // namespace walnut::bench
