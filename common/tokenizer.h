// The NUT line tokenizer shared by the network protocol, the driver socket protocol and
// NUT's config files: NUT's parseconf word-splitting rules, as a pure byte-fed state machine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut {

// Splits a byte stream into lines of words exactly as NUT's parseconf does:
// - words are separated by whitespace; LF ends the line;
// - "..." groups a word (an empty "" is a word); LF inside quotes does not end the line;
// - backslash makes the next byte literal, inside or outside quotes; backslash+LF joins lines;
// - # begins a comment (at a word start or right after an unquoted word); # inside quotes is
//   an error that abandons the line;
// - an unquoted = is a word of its own (a=b gives a, =, b);
// - bytes outside 0x20..0x7f are dropped from words (NUT's CVE-2012-2944 filter);
// - words past max_word_length bytes and lines past max_words words are silently truncated.
class LineTokenizer {
 public:
  struct Limits {
    std::size_t max_word_length = 512;  // NUT's PCONF_DEFAULT_WORDLEN_LIMIT; 0 = none
    std::size_t max_words = 32;         // NUT's PCONF_DEFAULT_ARG_LIMIT; 0 = none
  };

  enum class Event {
    kNone,   // byte consumed, line not finished
    kLine,   // a line just ended: words() holds it until the next feed()
    kError,  // the line was abandoned: error() says why; words() holds what was read
  };

  LineTokenizer();
  explicit LineTokenizer(Limits limits);

  Event feed(char byte);

  const std::vector<std::string>& words() const { return words_; }
  std::string_view error() const { return error_; }

  // True while a quoted word or a backslash escape is open.
  bool in_quotes() const;
  // True while a quoted word is open (a backslash escape inside it included).
  bool in_quoted_word() const;
  // True when some bytes of an unfinished line have been consumed.
  bool mid_line() const;
  // Bytes dropped by the character filter since construction (for log throttling).
  std::size_t dropped_bytes() const { return dropped_bytes_; }

  void reset();

 private:
  enum class State {
    kFindWordStart,
    kFindEndOfLine,
    kQuoteCollect,
    kQuoteLiteral,
    kCollect,
    kCollectLiteral,
    kEndOfLine,
    kParseError,
  };

  State find_word_start(char byte);
  State collect(char byte);
  State quote_collect(char byte);
  void add_char(char byte);
  void end_word();

  Limits limits_;
  State state_ = State::kFindWordStart;
  std::string word_;
  std::vector<std::string> words_;
  std::string error_;
  bool line_started_ = false;
  std::size_t dropped_bytes_ = 0;
};

// Tokenizes one complete line (a trailing LF is optional). An unterminated quote or a
// dangling backslash is an error here, since no further input can close it.
Result<std::vector<std::string>> tokenize_line(std::string_view line,
                                               LineTokenizer::Limits limits = {});

// NUT's pconf_encode: escapes #, \ and " with a backslash.
std::string encode_word(std::string_view word);

// encode_word wrapped in double quotes: how upsd writes values ("OL", "a \"b\"").
std::string quote_word(std::string_view word);

// How NUT's clients send an argument: encoded, and quoted only when it is empty or holds
// whitespace, so that it reads back as exactly one word.
std::string quote_word_if_needed(std::string_view word);

// Joins words into one line (no LF) that tokenizes back into the same words.
std::string join_words(const std::vector<std::string>& words);

}  // namespace walnut
