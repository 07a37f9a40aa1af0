// Tests for common/config/conf_file: logical lines, line numbers and errors.
#include "common/config/conf_file.h"

#include <gtest/gtest.h>

namespace walnut::config {
namespace {

using Words = std::vector<std::string>;

TEST(ConfFile, SplitsLogicalLinesWithTheirStartingLine) {
  auto lines = read_conf_lines("# comment\n\na = b\n  [ups]  # trailing\nlong\\\nline \\\n x\nlast",
                               "x.conf");
  ASSERT_TRUE(lines.ok()) << lines.error();
  ASSERT_EQ(lines->size(), 4u);
  EXPECT_EQ((*lines)[0].line, 3);
  EXPECT_EQ((*lines)[0].words, (Words{"a", "=", "b"}));
  EXPECT_EQ((*lines)[1].line, 4);
  EXPECT_EQ((*lines)[1].words, (Words{"[ups]"}));
  EXPECT_EQ((*lines)[2].line, 5);
  // As in NUT, a backslash-newline at a word start still starts a (here empty) word.
  EXPECT_EQ((*lines)[2].words, (Words{"longline", "", "x"}));
  EXPECT_EQ((*lines)[3].line, 8);
  EXPECT_EQ((*lines)[3].words, (Words{"last"}));
}

TEST(ConfFile, QuotesAndEscapesFollowParseconf) {
  auto lines = read_conf_lines("desc = \"a # b\\\"\" x=\"\"\n", "x.conf");
  ASSERT_FALSE(lines.ok());  // # inside quotes is NUT's parse error
  EXPECT_EQ(lines.error().rfind("x.conf:1: ", 0), 0u) << lines.error();

  auto ok = read_conf_lines("desc = \"a \\# b\\\"\" x=\"\"\n", "x.conf");
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ((*ok)[0].words, (Words{"desc", "=", "a # b\"", "x", "=", ""}));
}

TEST(ConfFile, HashInQuotesNamesTheLineItIsOn) {
  auto lines = read_conf_lines("a = 1\n\nb = \"x#\"\n", "/etc/nut/ups.conf");
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.error().rfind("/etc/nut/ups.conf:3: ", 0), 0u) << lines.error();
}

TEST(ConfFile, UnterminatedQuoteAtEndIsAnError) {
  auto lines = read_conf_lines("a = 1\nb = \"open\n", "f");
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.error().rfind("f:2: ", 0), 0u) << lines.error();
}

TEST(ConfFile, ReadsFilesAndNamesMissingOnes) {
  auto text = read_text_file(WALNUT_SOURCE_DIR "/config/examples/ups.conf");
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_NE(text->find("[myups]"), std::string::npos);
  auto missing = read_text_file("/nonexistent/walnut/file");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/nonexistent/walnut/file"), std::string::npos);
}

TEST(ConfFile, BooleansAsNutReadsThem) {
  for (const char* yes : {"true", "ON", "Yes", "1"}) EXPECT_TRUE(*parse_boolean(yes)) << yes;
  for (const char* no : {"false", "off", "NO", "0"}) EXPECT_FALSE(*parse_boolean(no)) << no;
  EXPECT_FALSE(parse_boolean("maybe").ok());
}

}  // namespace
}  // namespace walnut::config
