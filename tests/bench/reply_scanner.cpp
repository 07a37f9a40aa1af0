#include "tests/bench/reply_scanner.h"

namespace walnut::bench {

int ReplyScanner::feed(std::string_view bytes) {
  int completed = 0;
  while (!bytes.empty()) {
    std::size_t newline = bytes.find('\n');
    std::string_view piece = bytes.substr(0, newline);
    if (line_.size() < kMaxKeptLine) {
      line_.append(piece.substr(0, kMaxKeptLine - line_.size()));
    }
    if (newline == std::string_view::npos) break;
    end_line(completed);
    bytes.remove_prefix(newline + 1);
  }
  return completed;
}

void ReplyScanner::end_line(int& completed) {
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  bool is_error = line.starts_with("ERR ") || line == "ERR";
  if (is_error) ++errors_;
  ++lines_;
  if (shape_ == ReplyShape::kOneLine) {
    ++completed;
  } else if (line.starts_with("BEGIN LIST ")) {
    in_list_ = true;
  } else if (line.starts_with("END LIST ") || (is_error && !in_list_)) {
    in_list_ = false;
    ++completed;
  }
  last_line_.assign(line);
  line_.clear();
}

}  // namespace walnut::bench
