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

// STARTTLS's rule: not one byte after the line is looked at, on either path.
TEST(RequestReader, StopAfterLineLeavesEveryFollowingByteUnread) {
  const std::string inputs[] = {"VER\nSTARTTLS\nUSERNAME x\nPASSWORD y",
                                "VER\n\"STARTTLS\"\nUSERNAME x\nPASSWORD y"};
  for (const auto& bytes : inputs) {
    RequestReader reader;
    std::vector<std::string> lines;
    const auto outcome = reader.feed(
        bytes.data(), bytes.size(),
        [&](const std::vector<std::string>& words) {
          lines.push_back(words[0]);
          if (words[0] == "STARTTLS") reader.stop_after_line();
          return true;
        },
        {});
    EXPECT_EQ(outcome, RequestReader::Outcome::kStop) << bytes;
    EXPECT_EQ(lines, (std::vector<std::string>{"VER", "STARTTLS"})) << bytes;
    EXPECT_EQ(reader.unread(), std::string("USERNAME x\nPASSWORD y").size()) << bytes;
    // The next read starts clean.
    const std::string next = "HELP\n";
    EXPECT_EQ(reader.feed(next.data(), next.size(), [](const auto&) { return true; }, {}),
              RequestReader::Outcome::kContinue);
    EXPECT_EQ(reader.unread(), 0u);
  }
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

namespace walnut::server {
namespace {

// NUT's tokenizer fed byte by byte: the reference for every line the reader's fast path takes.
std::vector<std::string> tokenizer_lines(const std::string& bytes) {
  LineTokenizer tokenizer;
  std::vector<std::string> lines;
  for (char byte : bytes) {
    if (tokenizer.feed(byte) != LineTokenizer::Event::kLine) continue;
    std::string joined;
    for (const auto& w : tokenizer.words()) joined += (joined.empty() ? "" : "|") + w;
    lines.push_back(joined);
  }
  return lines;
}

TEST(RequestReader, PlainLinesSplitExactlyAsTheTokenizerDoes) {
  const std::vector<std::string> inputs = {
      "GET VAR ups ups.status\n",
      "  GET\tVAR  ups   ups.status \r\n",
      "\n",
      "   \n",
      "LIST VAR ups\nLIST CMD ups\n",
      "USERNAME admin\nPASSWORD s3cr3t!$%&'()*+,-./:;<>?@[]^_`{|}~\n",
      "SET VAR ups ups.delay.shutdown 20\n",
      // Not plain: each takes the byte-by-byte path, which must still agree.
      "SET VAR ups ups.id \"my ups\"\n",
      "GET VAR ups ups.status # comment\n",
      "a=b c\n",
      "back\\ slash\n",
      std::string("ctrl\x01" "char \x80high\n"),
      "\v\fform feed\n",
  };
  for (const auto& input : inputs) {
    RequestReader reader;
    EXPECT_EQ(feed(reader, input).lines, tokenizer_lines(input)) << input;
  }
}

TEST(RequestReader, ManyOrLongWordsLeaveTheFastPathToTheTokenizersLimits) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  many += "\n";
  const std::string long_word = std::string(600, 'x') + " y\n";
  for (const auto& input : {many, long_word}) {
    RequestReader reader;
    EXPECT_EQ(feed(reader, input).lines, tokenizer_lines(input));
  }
}

TEST(RequestReader, FastLinesFollowASlowLineSplitAcrossReads) {
  RequestReader reader;
  auto first = feed(reader, "SET VAR ups ups.id \"my");
  EXPECT_TRUE(first.lines.empty());
  auto second = feed(reader, " ups\"\nGET VAR ups ups.status\nVER\n");
  EXPECT_EQ(second.lines,
            (std::vector<std::string>{"SET|VAR|ups|ups.id|my ups", "GET|VAR|ups|ups.status", "VER"}));
}

}  // namespace
}  // namespace walnut::server
