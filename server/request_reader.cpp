// Request line splitting.
#include "server/request_reader.h"

#include <algorithm>
#include <cstring>

namespace walnut::server {
namespace {

// Stock reads 512 bytes at a time and drops the rest of a read after a parse error; the
// same slicing keeps our answers identical for the same bytes.
constexpr std::size_t kStockReadSize = 512;

// Bytes that mean nothing special to NUT's tokenizer and that its filter keeps: printable ASCII
// other than # \ " and = (which start comments, escapes, quotes and words of their own).
bool is_plain(char byte) {
  return byte > ' ' && byte < 0x7f && byte != '#' && byte != '\\' && byte != '"' && byte != '=';
}

bool is_separator(char byte) {
  return byte == ' ' || byte == '\t' || byte == '\r' || byte == '\v' || byte == '\f';
}

// Well inside the tokenizer's own limits (512-byte words, 32 words): lines that come close
// take the byte-by-byte path, which applies them.
constexpr std::size_t kFastMaxWords = 16;
constexpr std::size_t kFastMaxWordLength = 256;

}  // namespace

// What the tokenizer would make of [begin, end) (a whole line without its LF), when every byte
// is plain or a separator: the words split at separators. False (words unspecified) otherwise.
bool RequestReader::split_plain_line(const char* begin, const char* end) {
  std::size_t count = 0;
  const char* p = begin;
  while (p < end) {
    while (p < end && is_separator(*p)) ++p;
    if (p == end) break;
    const char* word = p;
    while (p < end && is_plain(*p)) ++p;
    if (p < end && !is_separator(*p)) return false;
    const auto length = static_cast<std::size_t>(p - word);
    if (count == kFastMaxWords || length >= kFastMaxWordLength) return false;
    if (fast_words_.size() == count) fast_words_.emplace_back();
    fast_words_[count++].assign(word, length);
  }
  fast_words_.resize(count);
  return true;
}

RequestReader::Outcome RequestReader::feed(const char* data, std::size_t size,
                                           const LineHandler& on_line,
                                           const ErrorHandler& on_error,
                                           const UnterminatedHandler& on_unterminated) {
  unread_ = 0;
  stop_after_line_ = false;
  // After a line whose handler called stop_after_line(): the bytes from `next` on stay unread.
  const auto stopped_at = [&](std::size_t next) {
    stop_after_line_ = false;
    unread_ = size - next;
    return Outcome::kStop;
  };
  for (std::size_t start = 0; start < size; start += kStockReadSize) {
    const std::size_t end = std::min(size, start + kStockReadSize);
    bool keep_going = true;
    for (std::size_t i = start; i < end; ++i) {
      // Fast path for the common line (GET VAR ups ups.status): whole within this slice, only
      // plain bytes. The tokenizer sits between lines meanwhile and yields the same words.
      if (!mid_line()) {
        const auto* line_end = static_cast<const char*>(std::memchr(data + i, '\n', end - i));
        if (line_end != nullptr && split_plain_line(data + i, line_end)) {
          line_bytes_ = 0;
          keep_going = on_line(fast_words_) && keep_going;
          i = static_cast<std::size_t>(line_end - data);
          if (stop_after_line_) return stopped_at(i + 1);
          continue;
        }
      }
      if (data[i] == '\n' && tokenizer().in_quoted_word()) {
        tokenizer().reset();
        line_bytes_ = 0;
        if (on_unterminated) on_unterminated();
        continue;
      }
      const auto event = tokenizer().feed(data[i]);
      if (event == LineTokenizer::Event::kLine) {
        line_bytes_ = 0;
        keep_going = on_line(tokenizer().words()) && keep_going;
        if (stop_after_line_) return stopped_at(i + 1);
        continue;
      }
      if (event == LineTokenizer::Event::kError) {
        line_bytes_ = 0;
        if (on_error) on_error(tokenizer().error());
        break;
      }
      if (++line_bytes_ > kMaxLineBytes) return Outcome::kTooLong;
    }
    // After LOGOUT stock answers the rest of the read it is in, then closes.
    if (!keep_going) return Outcome::kStop;
  }
  return Outcome::kContinue;
}

LineTokenizer& RequestReader::tokenizer() {
  if (!tokenizer_) tokenizer_ = std::make_unique<LineTokenizer>();
  return *tokenizer_;
}

void RequestReader::release_memory() {
  if (!mid_line()) tokenizer_.reset();
  std::vector<std::string>().swap(fast_words_);
}

}  // namespace walnut::server
