// Tests metrics/nut_reply.cpp: following upsd's LIST reply framing.
#include "metrics/nut_reply.h"

#include <gtest/gtest.h>

namespace walnut::metrics {
namespace {

using State = ListReplyParser::State;
using Words = std::vector<std::string>;

TEST(ListReplyParser, CollectsVariablesBetweenBeginAndEnd) {
  ListReplyParser parser({"VAR", "myups"});
  EXPECT_EQ(parser.feed_line("BEGIN LIST VAR myups"), State::kNeedMore);
  EXPECT_EQ(parser.feed_line(R"(VAR myups battery.charge "100")"), State::kNeedMore);
  EXPECT_EQ(parser.feed_line(R"(VAR myups ups.mfr "a \"quoted\" \\ name")"), State::kNeedMore);
  EXPECT_EQ(parser.feed_line("END LIST VAR myups"), State::kDone);
  ASSERT_EQ(parser.items().size(), 2u);
  EXPECT_EQ(parser.items()[0], (Words{"battery.charge", "100"}));
  EXPECT_EQ(parser.items()[1], (Words{"ups.mfr", R"(a "quoted" \ name)"}));
}

TEST(ListReplyParser, ReportsTheErrorCodeOfAnErrReply) {
  ListReplyParser parser({"VAR", "myups"});
  EXPECT_EQ(parser.feed_line("ERR DATA-STALE"), State::kError);
  EXPECT_EQ(parser.error(), "DATA-STALE");
  EXPECT_TRUE(parser.server_refused());
}

TEST(ListReplyParser, MatchesTheEchoedUpsNameCaseInsensitively) {
  ListReplyParser parser({"VAR", "MyUps"});
  parser.feed_line("BEGIN LIST VAR myups");
  parser.feed_line(R"(VAR myups ups.status "OL")");
  EXPECT_EQ(parser.feed_line("END LIST VAR myups"), State::kDone);
  EXPECT_EQ(parser.items().size(), 1u);
}

TEST(ListReplyParser, RejectsAReplyForAnotherQuery) {
  ListReplyParser parser({"VAR", "a"});
  EXPECT_EQ(parser.feed_line("BEGIN LIST VAR b"), State::kError);
  EXPECT_FALSE(parser.server_refused());
}

TEST(ListReplyParser, RejectsItemsOfAnotherKindInsideTheList) {
  ListReplyParser parser({"VAR", "a"});
  parser.feed_line("BEGIN LIST VAR a");
  EXPECT_EQ(parser.feed_line(R"(RW a x "1")"), State::kError);
}

TEST(ListReplyParser, RejectsItemsWithNothingAfterTheQueryWords) {
  ListReplyParser parser({"VAR", "a"});
  parser.feed_line("BEGIN LIST VAR a");
  EXPECT_EQ(parser.feed_line("VAR a #comment"), State::kError);
}

TEST(ListReplyParser, RejectsAnUnterminatedQuote) {
  ListReplyParser parser({"UPS"});
  parser.feed_line("BEGIN LIST UPS");
  EXPECT_EQ(parser.feed_line(R"(UPS a "desc)"), State::kError);
}

TEST(ListReplyParser, IgnoresLinesAfterTheEnd) {
  ListReplyParser parser({"UPS"});
  parser.feed_line("BEGIN LIST UPS");
  parser.feed_line(R"(UPS dummy "Test UPS")");
  EXPECT_EQ(parser.feed_line("END LIST UPS"), State::kDone);
  EXPECT_EQ(parser.feed_line("garbage"), State::kDone);
  ASSERT_EQ(parser.items().size(), 1u);
  EXPECT_EQ(parser.items()[0], (Words{"dummy", "Test UPS"}));
}

}  // namespace
}  // namespace walnut::metrics
