// Splits a client's byte stream into request lines as stock upsd does (pure, no I/O):
// 512-byte reads, NUT's tokenizer, the rest of a read dropped after a parse error, plus
// walnut's bound on the length of one line.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/tokenizer.h"

namespace walnut::server {

class RequestReader {
 public:
  // No NUT client sends a line anywhere near this (32 words of 512 bytes).
  static constexpr std::size_t kMaxLineBytes = 32 * 1024;

  enum class Outcome {
    kContinue,  // all bytes consumed (or dropped after a parse error)
    kStop,      // on_line asked to stop after the current 512-byte read (LOGOUT)
    kTooLong,   // a line passed kMaxLineBytes: answer ERR TOO-LONG and close
  };

  // Called for each complete line; returns false to stop after the current read slice.
  using LineHandler = std::function<bool(const std::vector<std::string>& words)>;
  // Called with the tokenizer's message when a line is abandoned (for logging).
  using ErrorHandler = std::function<void(std::string_view message)>;
  // Called when a LF arrives inside an open quoted word: walnut ends
  // that request there (the session answers ERR INVALID-ARGUMENT) and reads the next line
  // afresh. Stock would take the LF into the word and swallow every following line until a
  // closing quote, which looks like a hang; no NUT client can put a LF in a quoted word.
  using UnterminatedHandler = std::function<void()>;

  // Feeds one read's bytes.
  Outcome feed(const char* data, std::size_t size, const LineHandler& on_line,
               const ErrorHandler& on_error, const UnterminatedHandler& on_unterminated = {});

  // Called from inside a LineHandler: feed() returns kStop right after the current line,
  // without looking at a single byte after its LF (after STARTTLS they are not requests).
  void stop_after_line() { stop_after_line_ = true; }
  // After feed() stopped that way: how many of its bytes were left unread.
  std::size_t unread() const { return unread_; }
  // True while the bytes of an unfinished line wait for the rest of it.
  bool mid_line() const { return tokenizer_ && tokenizer_->mid_line(); }

  // Frees the tokenizer's buffers when no line is half-read (for idle connections).
  void release_memory();

 private:
  bool split_plain_line(const char* begin, const char* end);
  LineTokenizer& tokenizer();

  // Made for the first line the fast path cannot split, and dropped again by release_memory():
  // most clients never send one, and an idle connection should not carry its 128 bytes.
  std::unique_ptr<LineTokenizer> tokenizer_;
  std::vector<std::string> fast_words_;  // the last line the fast path split
  std::size_t line_bytes_ = 0;
  bool stop_after_line_ = false;
  std::size_t unread_ = 0;
};

}  // namespace walnut::server
