// Reading NUT config files into logical lines, and the thin file-reading shell.
#include "common/config/conf_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/tokenizer.h"
#include "common/ups_state.h"

namespace walnut::config {

std::string where(std::string_view filename, int line, std::string_view message) {
  return fmt::format("{}:{}: {}", filename, line, message);
}

Result<std::vector<ConfLine>> read_conf_lines(std::string_view text, std::string_view filename) {
  std::vector<ConfLine> lines;
  LineTokenizer tokenizer;
  int line = 1;        // line of the byte being fed
  int start_line = 1;  // line the current logical line began on
  auto take = [&](LineTokenizer::Event event) -> Status {
    if (event == LineTokenizer::Event::kError) {
      return Error{where(filename, line, tokenizer.error())};
    }
    if (event == LineTokenizer::Event::kLine && !tokenizer.words().empty()) {
      lines.push_back(ConfLine{start_line, tokenizer.words()});
    }
    return Ok{};
  };
  for (char byte : text) {
    if (!tokenizer.mid_line()) start_line = line;
    const auto event = tokenizer.feed(byte);
    if (auto status = take(event); !status.ok()) return Error{status.error()};
    if (byte == '\n') ++line;
    if (event != LineTokenizer::Event::kNone) start_line = line;
  }
  if (tokenizer.in_quotes()) {
    return Error{where(filename, start_line, "unterminated quote or escape at end of file")};
  }
  if (tokenizer.mid_line()) {
    if (auto status = take(tokenizer.feed('\n')); !status.ok()) return Error{status.error()};
  }
  return lines;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: {}", path, std::strerror(errno))};
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return Error{fmt::format("{}: read error", path)};
  return contents.str();
}

Result<bool> parse_boolean(std::string_view word) {
  for (const char* yes : {"true", "on", "yes", "1"}) {
    if (equals_ignoring_case(word, yes)) return true;
  }
  for (const char* no : {"false", "off", "no", "0"}) {
    if (equals_ignoring_case(word, no)) return false;
  }
  return Error{fmt::format("\"{}\" is not a boolean (true/false, on/off, yes/no, 1/0)", word)};
}

}  // namespace walnut::config
