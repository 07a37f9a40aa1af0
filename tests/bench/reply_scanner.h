// Splits a NUT server's byte stream into replies: one line (GET, VER) or a LIST block
// (BEGIN LIST ... END LIST), counting ERR replies. Pure, fed bytes as they arrive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace walnut::bench {

enum class ReplyShape {
  kOneLine,  // every line is a whole reply (GET VAR, VER, ERR ...)
  kList,     // a reply ends with an "END LIST" line, or is a single "ERR" line
};

class ReplyScanner {
 public:
  explicit ReplyScanner(ReplyShape shape) : shape_(shape) {}

  // Consumes received bytes; returns how many replies they completed.
  int feed(std::string_view bytes);

  std::uint64_t errors() const { return errors_; }
  std::uint64_t lines() const { return lines_; }
  // The last complete line, without its newline (at most kMaxKeptLine bytes of it).
  const std::string& last_line() const { return last_line_; }
  // True while a reply has started but not ended.
  bool in_reply() const { return !line_.empty() || in_list_; }

  static constexpr std::size_t kMaxKeptLine = 512;

 private:
  void end_line(int& completed);

  ReplyShape shape_;
  std::string line_;  // the current line so far, truncated at kMaxKeptLine
  std::string last_line_;
  bool in_list_ = false;
  std::uint64_t errors_ = 0;
  std::uint64_t lines_ = 0;
};

}  // namespace walnut::bench
