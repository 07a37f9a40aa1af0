// Request line splitting.
#include "server/request_reader.h"

#include <algorithm>

namespace walnut::server {
namespace {

// Stock reads 512 bytes at a time and drops the rest of a read after a parse error; the
// same slicing keeps our answers identical for the same bytes.
constexpr std::size_t kStockReadSize = 512;

}  // namespace

RequestReader::Outcome RequestReader::feed(const char* data, std::size_t size,
                                           const LineHandler& on_line,
                                           const ErrorHandler& on_error,
                                           const UnterminatedHandler& on_unterminated) {
  for (std::size_t start = 0; start < size; start += kStockReadSize) {
    const std::size_t end = std::min(size, start + kStockReadSize);
    bool keep_going = true;
    for (std::size_t i = start; i < end; ++i) {
      if (data[i] == '\n' && tokenizer_.in_quoted_word()) {
        tokenizer_.reset();
        line_bytes_ = 0;
        if (on_unterminated) on_unterminated();
        continue;
      }
      const auto event = tokenizer_.feed(data[i]);
      if (event == LineTokenizer::Event::kLine) {
        line_bytes_ = 0;
        keep_going = on_line(tokenizer_.words()) && keep_going;
        continue;
      }
      if (event == LineTokenizer::Event::kError) {
        line_bytes_ = 0;
        if (on_error) on_error(tokenizer_.error());
        break;
      }
      if (++line_bytes_ > kMaxLineBytes) return Outcome::kTooLong;
    }
    // After LOGOUT stock answers the rest of the read it is in, then closes.
    if (!keep_going) return Outcome::kStop;
  }
  return Outcome::kContinue;
}

void RequestReader::release_memory() {
  if (!tokenizer_.mid_line()) tokenizer_ = LineTokenizer();
}

}  // namespace walnut::server
