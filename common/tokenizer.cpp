// NUT's parseconf state machine (common/parseconf.c in NUT), reimplemented as a pure class.
#include "common/tokenizer.h"

namespace walnut {
namespace {

constexpr char kLineFeed = '\n';

// isspace() in the C locale, without its undefined behaviour on negative chars.
bool is_space(char byte) {
  return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\v' || byte == '\f' ||
         byte == '\r';
}

}  // namespace

LineTokenizer::LineTokenizer() : LineTokenizer(Limits{}) {}

LineTokenizer::LineTokenizer(Limits limits) : limits_(limits) {}

void LineTokenizer::reset() {
  state_ = State::kFindWordStart;
  word_.clear();
  words_.clear();
  error_.clear();
  line_started_ = false;
}

bool LineTokenizer::in_quotes() const {
  return state_ == State::kQuoteCollect || state_ == State::kQuoteLiteral ||
         state_ == State::kCollectLiteral;
}

bool LineTokenizer::in_quoted_word() const {
  return state_ == State::kQuoteCollect || state_ == State::kQuoteLiteral;
}

bool LineTokenizer::mid_line() const {
  return line_started_ && state_ != State::kEndOfLine && state_ != State::kParseError;
}

LineTokenizer::Event LineTokenizer::feed(char byte) {
  // The previous call finished a line: start a new one, as pconf_char() does.
  if (state_ == State::kEndOfLine || state_ == State::kParseError) {
    words_.clear();
    error_.clear();
    word_.clear();
    state_ = State::kFindWordStart;
    line_started_ = false;
  }
  line_started_ = true;

  switch (state_) {
    case State::kFindWordStart:
      state_ = find_word_start(byte);
      break;
    case State::kFindEndOfLine:
      state_ = byte == kLineFeed ? State::kEndOfLine : State::kFindEndOfLine;
      break;
    case State::kQuoteCollect:
      state_ = quote_collect(byte);
      break;
    case State::kQuoteLiteral:
      // Backslash+LF inside quotes continues the word on the next line.
      if (byte != kLineFeed) add_char(byte);
      state_ = State::kQuoteCollect;
      break;
    case State::kCollect:
      state_ = collect(byte);
      break;
    case State::kCollectLiteral:
      if (byte != kLineFeed) add_char(byte);
      state_ = State::kCollect;
      break;
    case State::kEndOfLine:
    case State::kParseError:
      break;  // unreachable: handled above
  }

  if (state_ == State::kEndOfLine) return Event::kLine;
  if (state_ == State::kParseError) return Event::kError;
  return Event::kNone;
}

LineTokenizer::State LineTokenizer::find_word_start(char byte) {
  if (byte == kLineFeed) return State::kEndOfLine;
  if (byte == '#') return State::kFindEndOfLine;
  if (is_space(byte)) return State::kFindWordStart;
  if (byte == '\\') return State::kCollectLiteral;
  if (byte == '"') return State::kQuoteCollect;
  // The word has started, even if the filter drops this byte (NUT then yields an empty word).
  add_char(byte);
  if (byte == '=') {
    end_word();
    return State::kFindWordStart;
  }
  return State::kCollect;
}

LineTokenizer::State LineTokenizer::collect(char byte) {
  if (byte == '#') {
    end_word();
    return State::kFindEndOfLine;
  }
  if (byte == kLineFeed) {
    end_word();
    return State::kEndOfLine;
  }
  if (is_space(byte)) {
    end_word();
    return State::kFindWordStart;
  }
  if (byte == '=') {
    end_word();
    add_char(byte);
    end_word();
    return State::kFindWordStart;
  }
  if (byte == '\\') return State::kCollectLiteral;
  add_char(byte);
  return State::kCollect;
}

LineTokenizer::State LineTokenizer::quote_collect(char byte) {
  if (byte == '#') {
    error_ = "Unbalanced word due to unescaped # in quotes";
    end_word();
    return State::kParseError;
  }
  if (byte == '"') {
    end_word();
    return State::kFindWordStart;
  }
  if (byte == '\\') return State::kQuoteLiteral;
  add_char(byte);  // a LF here is dropped by the filter: the quote spans lines
  return State::kQuoteCollect;
}

void LineTokenizer::add_char(char byte) {
  const auto code = static_cast<unsigned char>(byte);
  if (code < 0x20 || code > 0x7f) {
    ++dropped_bytes_;
    return;
  }
  if (limits_.max_word_length != 0 && word_.size() >= limits_.max_word_length) return;
  word_.push_back(byte);
}

void LineTokenizer::end_word() {
  if (limits_.max_words == 0 || words_.size() < limits_.max_words) {
    words_.push_back(word_);
  }
  word_.clear();
}

Result<std::vector<std::string>> tokenize_line(std::string_view line,
                                               LineTokenizer::Limits limits) {
  LineTokenizer tokenizer(limits);
  for (std::size_t i = 0; i < line.size(); ++i) {
    switch (tokenizer.feed(line[i])) {
      case LineTokenizer::Event::kNone:
        break;
      case LineTokenizer::Event::kError:
        return Error{std::string(tokenizer.error())};
      case LineTokenizer::Event::kLine:
        if (i + 1 != line.size()) return Error{"more than one line"};
        return tokenizer.words();
    }
  }
  if (tokenizer.in_quotes()) {
    return Error{"unterminated quote or dangling backslash"};
  }
  if (tokenizer.feed(kLineFeed) != LineTokenizer::Event::kLine) {
    return Error{"incomplete line"};
  }
  return tokenizer.words();
}

std::string encode_word(std::string_view word) {
  std::string out;
  out.reserve(word.size() + 2);
  for (char c : word) {
    if (c == '#' || c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string quote_word(std::string_view word) {
  return "\"" + encode_word(word) + "\"";
}

std::string quote_word_if_needed(std::string_view word) {
  bool needs_quotes = word.empty();
  for (char c : word) {
    if (is_space(c) || c == '=') needs_quotes = true;
  }
  return needs_quotes ? quote_word(word) : encode_word(word);
}

std::string join_words(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) {
    if (!line.empty()) line.push_back(' ');
    line += quote_word_if_needed(word);
  }
  return line;
}

}  // namespace walnut
