// Splits a client's byte stream into request lines as stock upsd does (pure, no I/O):
// 512-byte reads, NUT's tokenizer, the rest of a read dropped after a parse error, plus
// walnut's bound on the length of one line.
#pragma once

#include <cstddef>
#include <functional>
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

  // Feeds one read's bytes.
  Outcome feed(const char* data, std::size_t size, const LineHandler& on_line,
               const ErrorHandler& on_error);

  // Frees the tokenizer's buffers when no line is half-read (for idle connections).
  void release_memory();

 private:
  LineTokenizer tokenizer_;
  std::size_t line_bytes_ = 0;
};

}  // namespace walnut::server
