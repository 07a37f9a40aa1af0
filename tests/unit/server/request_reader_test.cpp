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
      [&](std::string_view) { ++fed.errors; });
  return fed;
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

TEST(RequestReader, UnterminatedQuoteRunsIntoTheNextLineAsStock) {
  RequestReader reader;
  auto fed = feed(reader, "GET VAR \"x\nVER\n\"\n");
  EXPECT_EQ(fed.lines, (std::vector<std::string>{"GET|VAR|xVER"}));
}

}  // namespace
}  // namespace walnut::server
