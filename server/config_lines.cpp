// Config-file line walking.
#include "server/config_lines.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/tokenizer.h"

namespace walnut::server {

Status for_each_config_line(std::string_view text, std::string_view file_name,
                            const ConfigLineHandler& handler) {
  LineTokenizer tokenizer;
  std::size_t line_number = 1;
  std::size_t start_line = 1;
  auto feed = [&](char byte) -> Status {
    if (!tokenizer.mid_line()) start_line = line_number;
    const auto event = tokenizer.feed(byte);
    if (byte == '\n') ++line_number;
    if (event == LineTokenizer::Event::kError) {
      return Error{fmt::format("{}:{}: {}", file_name, start_line, tokenizer.error())};
    }
    if (event == LineTokenizer::Event::kLine && !tokenizer.words().empty()) {
      Status status = handler(start_line, tokenizer.words());
      if (!status) return Error{fmt::format("{}:{}: {}", file_name, start_line, status.error())};
    }
    return Ok{};
  };
  for (char byte : text) {
    if (Status s = feed(byte); !s) return s;
  }
  if (tokenizer.in_quotes()) {
    return Error{fmt::format("{}:{}: unterminated quote", file_name, start_line)};
  }
  if (tokenizer.mid_line()) return feed('\n');
  return Ok{};
}

Result<std::string> read_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace walnut::server
