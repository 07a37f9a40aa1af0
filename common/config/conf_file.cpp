// Reading NUT config files into logical lines, and the thin file-reading shell.
#include "common/config/conf_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/posix_files.h"
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

// Plain read(2) rather than an ifstream: a stream's std::locale is ~370 kB of resident code in
// the statically linked driver (issue 19), and every file the driver reads comes through here.
Result<std::string> read_text_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("{}: {}", path, std::strerror(errno))};
  Result<std::string> contents = read_all(fd);
  ::close(fd);
  if (!contents) return Error{fmt::format("{}: {}", path, contents.error())};
  return contents;
}

Result<Ok> write_text_file(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Error{fmt::format("{}: {}", path, std::strerror(errno))};
  while (!text.empty()) {
    const ssize_t put = ::write(fd, text.data(), text.size());
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) {
      const int error = errno;
      ::close(fd);
      return Error{fmt::format("{}: {}", path, std::strerror(error))};
    }
    text.remove_prefix(static_cast<std::size_t>(put));
  }
  if (::close(fd) != 0) return Error{fmt::format("{}: {}", path, std::strerror(errno))};
  return Ok{};
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
