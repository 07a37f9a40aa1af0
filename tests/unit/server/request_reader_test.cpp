// Tests server/request_reader.cpp: stock's line handling of a client's bytes.
#include "server/request_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace walnut::server {
namespace {

struct Fed {
  RequestReader::Outcome outcome;
  std::vector<std::string> lines;  // words joined by '|'
  int errors = 0;
};

Fed feed(RequestReader& reader, const std::string& bytes, const std::string& stop_at = "") {
  Fed fed{};
  fed.outcome = reader.feed(
      bytes.data(), bytes.size(),
      [&](const std::vector<std::string>& words) {
        std::string joined;
        for (const auto& w : words) joined += (joined.empty() ? "" : "|") + w;
        fed.lines.push_back(joined);
        return joined != stop_at;
      },
      [&](std::string_view) { ++fed.errors; }, [&] { fed.lines.push_back("<unterminated>"); });
  return fed;
}

TEST(RequestReader, LineFeedInsideAQuoteEndsTheRequestAndTheNextLineIsServed) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR dummy \"ups.status\nVER\n\"\nHELP\n");
  EXPECT_EQ(fed.outcome, RequestReader::Outcome::kContinue);
  EXPECT_EQ(fed.lines,
            (std::vector<std::string>{"<unterminated>", "VER", "<unterminated>", "HELP"}));
}

TEST(RequestReader, LineFeedAfterABackslashInsideAQuoteIsUnterminatedToo) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR \"a\\\nVER\n");
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"<unterminated>", "VER"}));
}

TEST(RequestReader, BackslashNewlineOutsideQuotesStillJoinsLinesAsStock) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR dummy \\\nups.status\n");
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"GET|VAR|dummy|ups.status"}));
}

TEST(RequestReader, AQuoteClosedBeforeTheLineFeedIsAnOrdinaryLine) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR dummy \"ups.status\"\n");
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"GET|VAR|dummy|ups.status"}));
}

TEST(RequestReader, SplitsPipelinedLinesIntoWords) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR ups \"ups.status\"\nVER\n");
  EXPECT_EQ(fed.outcome, RequestReader::Outcome::kContinue);
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"GET|VAR|ups|ups.status", "VER"}));
}

TEST(RequestReader, KeepsAPartialLineForTheNextRead) {
  RequestReader reader;
  EXPECT_TRUE(feed(reader, "GET VA").lines.empty());
  EXPECT_EQ(feed(reader, "R x y\n").lines, (std::vector<std::string>{"GET|VAR|x|y"}));
}

TEST(RequestReader, ParseErrorDropsTheRestOfThe512ByteRead) {
  RequestReader reader;
  const std::string first = "GET VAR \"a#b\"\nVER\n";
  std::string bytes = first + std::string(512 - first.size(), ' ') + "HELP\n";
  auto fed = feed(reader, bytes);
  EXPECT_EQ(fed.errors, 1);
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"HELP"}));
}

TEST(RequestReader, StopFinishesTheCurrentReadSliceOnly) {
  RequestReader reader;
  std::string bytes = "LOGOUT\nVER\n";
  bytes += std::string(512 - bytes.size(), ' ') + "HELP\n";
  auto fed = feed(reader, bytes, "LOGOUT");
  EXPECT_EQ(fed.outcome, RequestReader::Outcome::kStop);
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"LOGOUT", "VER"}));
}

TEST(RequestReader, EndlessLineIsTooLong) {
  RequestReader reader;
  auto fed = feed(reader, "GET " + std::string(RequestReader::kMaxLineBytes, 'x'));
  EXPECT_EQ(fed.outcome, RequestReader::Outcome::kTooLong);
  EXPECT_TRUE(fed.lines.empty());
}

// Deliberately unlike stock, which drops the LF and runs on into "GET|VAR|xVER".
TEST(RequestReader, UnterminatedQuoteDoesNotRunIntoTheNextLine) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR \"x\nVER\n\"\n");
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"<unterminated>", "VER", "<unterminated>"}));
}

}  // namespace
}  // namespace walnut::server
