// Tests common/tokenizer.cpp against NUT's parseconf rules (see tokenizer.h).
#include "common/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace walnut {
namespace {

using Words = std::vector<std::string>;

Words tokens(std::string_view line) {
  auto result = tokenize_line(line);
  EXPECT_TRUE(result.ok()) << "line: " << line << " error: " << (result ? "" : result.error());
  return result ? *result : Words{};
}

// Feeds a whole stream and collects every completed line.
std::vector<Words> stream_lines(std::string_view stream, LineTokenizer& tokenizer) {
  std::vector<Words> lines;
  for (char c : stream) {
    if (tokenizer.feed(c) == LineTokenizer::Event::kLine) lines.push_back(tokenizer.words());
  }
  return lines;
}

TEST(Tokenizer, SplitsOnSpacesAndTabs) {
  EXPECT_EQ(tokens("GET VAR ups battery.charge"), (Words{"GET", "VAR", "ups", "battery.charge"}));
  EXPECT_EQ(tokens("  GET\tVAR \t ups  "), (Words{"GET", "VAR", "ups"}));
}

TEST(Tokenizer, TrailingSpacesAndCarriageReturnAreWhitespace) {
  EXPECT_EQ(tokens("LIST UPS   \r\n"), (Words{"LIST", "UPS"}));
}

TEST(Tokenizer, EmptyLineHasNoWords) {
  EXPECT_EQ(tokens(""), Words{});
  EXPECT_EQ(tokens("   \n"), Words{});
}

TEST(Tokenizer, EmptyQuotesAreAnEmptyWord) {
  EXPECT_EQ(tokens("SET VAR ups x \"\""), (Words{"SET", "VAR", "ups", "x", ""}));
  EXPECT_EQ(tokens("\"\" \"\""), (Words{"", ""}));
}

TEST(Tokenizer, QuotesGroupWordsWithSpaces) {
  EXPECT_EQ(tokens("SET VAR ups ups.id \"my ups  here\""),
            (Words{"SET", "VAR", "ups", "ups.id", "my ups  here"}));
}

TEST(Tokenizer, BackslashEscapesQuoteAndBackslash) {
  EXPECT_EQ(tokens(R"(x "a \"b\" c\\d")"), (Words{"x", R"(a "b" c\d)"}));
  EXPECT_EQ(tokens(R"(a\ b c\"d)"), (Words{"a b", "c\"d"}));
  EXPECT_EQ(tokens(R"(\#notacomment)"), (Words{"#notacomment"}));
}

TEST(Tokenizer, QuoteInsideUnquotedWordIsLiteral) {
  EXPECT_EQ(tokens(R"(ab"cd ef)"), (Words{"ab\"cd", "ef"}));
}

TEST(Tokenizer, HashStartsCommentAtWordStartOrAfterWord) {
  EXPECT_EQ(tokens("a b # comment \"x"), (Words{"a", "b"}));
  EXPECT_EQ(tokens("a b# comment"), (Words{"a", "b"}));
  EXPECT_EQ(tokens("# only comment"), Words{});
}

TEST(Tokenizer, HashInsideQuotesIsAnError) {
  auto result = tokenize_line("SET VAR ups x \"a#b\"");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), "Unbalanced word due to unescaped # in quotes");
  EXPECT_EQ(tokens(R"(x "a\#b")"), (Words{"x", "a#b"}));
}

TEST(Tokenizer, EqualsIsAWordOfItsOwn) {
  EXPECT_EQ(tokens("a=b"), (Words{"a", "=", "b"}));
  EXPECT_EQ(tokens("a = b"), (Words{"a", "=", "b"}));
  EXPECT_EQ(tokens("a= b"), (Words{"a", "=", "b"}));
  EXPECT_EQ(tokens("=x"), (Words{"=", "x"}));
  EXPECT_EQ(tokens("\"a=b\""), (Words{"a=b"}));
}

TEST(Tokenizer, UnterminatedQuoteIsAnErrorForASingleLine) {
  auto result = tokenize_line("GET VAR \"ups");
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(tokenize_line("abc\\").ok());
}

TEST(Tokenizer, UnterminatedQuoteSpansLinesInAStream) {
  // NUT drops the LF inside quotes, so the request continues on the next line.
  LineTokenizer tokenizer;
  auto lines = stream_lines("A \"b\nc\" d\nE\n", tokenizer);
  EXPECT_EQ(lines, (std::vector<Words>{{"A", "bc", "d"}, {"E"}}));
}

TEST(Tokenizer, BackslashNewlineJoinsLines) {
  LineTokenizer tokenizer;
  auto lines = stream_lines("ab\\\ncd ef\n", tokenizer);
  EXPECT_EQ(lines, (std::vector<Words>{{"abcd", "ef"}}));
}

TEST(Tokenizer, StreamSplitsPipelinedLines) {
  LineTokenizer tokenizer;
  auto lines = stream_lines("VER\nNETVER\n\nHELP\n", tokenizer);
  EXPECT_EQ(lines, (std::vector<Words>{{"VER"}, {"NETVER"}, {}, {"HELP"}}));
}

TEST(Tokenizer, StreamRecoversAfterParseError) {
  LineTokenizer tokenizer;
  std::vector<LineTokenizer::Event> errors;
  for (char c : std::string("a \"#x\nVER\n")) {
    auto event = tokenizer.feed(c);
    if (event == LineTokenizer::Event::kError) errors.push_back(event);
  }
  EXPECT_EQ(errors.size(), 1u);
  EXPECT_EQ(tokenizer.words(), (Words{"VER"}));
}

TEST(Tokenizer, DropsBytesOutsidePrintableAscii) {
  EXPECT_EQ(tokens(std::string("a\x01" "b \x80\xff" "c", 8)), (Words{"ab", "c"}));
  EXPECT_EQ(tokens(std::string("a\0b", 3)), (Words{"ab"}));
  // A word made only of dropped bytes still is a word, as in NUT.
  EXPECT_EQ(tokens("\x02 x"), (Words{"", "x"}));
  EXPECT_EQ(tokens("\x7f"), (Words{"\x7f"}));
}

TEST(Tokenizer, TruncatesLongWordsAndTooManyWords) {
  const std::string long_word(600, 'x');
  EXPECT_EQ(tokens(long_word), (Words{std::string(512, 'x')}));
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  auto words = tokens(many);
  ASSERT_EQ(words.size(), 32u);
  EXPECT_EQ(words.back(), "w31");
}

TEST(Tokenizer, LimitsCanBeLifted) {
  const std::string long_word(600, 'y');
  auto result = tokenize_line(long_word, {.max_word_length = 0, .max_words = 0});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].size(), 600u);
}

TEST(Tokenizer, RejectsMoreThanOneLine) {
  EXPECT_FALSE(tokenize_line("a\nb").ok());
}

TEST(Quoting, EncodeEscapesExactlyHashBackslashQuote) {
  EXPECT_EQ(encode_word(R"(a"b\c#d e)"), R"(a\"b\\c\#d e)");
  EXPECT_EQ(encode_word("plain"), "plain");
}

TEST(Quoting, QuoteWrapsEncodedValue) {
  EXPECT_EQ(quote_word("OL CHRG"), "\"OL CHRG\"");
  EXPECT_EQ(quote_word(""), "\"\"");
  EXPECT_EQ(quote_word(R"(say "hi")"), R"("say \"hi\"")");
}

TEST(Quoting, QuoteIfNeededOnlyForSpacesEqualsOrEmpty) {
  EXPECT_EQ(quote_word_if_needed("battery.charge"), "battery.charge");
  EXPECT_EQ(quote_word_if_needed("a b"), "\"a b\"");
  EXPECT_EQ(quote_word_if_needed(""), "\"\"");
  EXPECT_EQ(quote_word_if_needed("a=b"), "\"a=b\"");
  EXPECT_EQ(quote_word_if_needed("a\"b"), "a\\\"b");
}

TEST(Quoting, JoinRoundTripsThroughTokenizer) {
  const std::vector<Words> cases = {
      {"SET", "VAR", "ups", "ups.id", "a \"quoted\" # value\\"},
      {"", "=", "x=y", " leading space"},
      {"#start", "end#"},
  };
  for (const auto& words : cases) {
    auto back = tokenize_line(join_words(words));
    ASSERT_TRUE(back.ok()) << join_words(words);
    EXPECT_EQ(*back, words) << join_words(words);
  }
}

}  // namespace
}  // namespace walnut
