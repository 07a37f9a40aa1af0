// NUT config files read into logical lines of words (common/parseconf.c rules via the shared
// tokenizer), each with the line number it starts on; plus the thin step that reads a file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::config {

struct ConfLine {
  int line = 0;                    // 1-based line the logical line starts on
  std::vector<std::string> words;  // never empty
};

// Splits config text into non-empty logical lines. Errors ("<filename>:<line>: <why>") for
// what NUT reports as a parse error (a # inside quotes) and for an unterminated quote or
// escape at the end of the text. A missing final newline is fine.
Result<std::vector<ConfLine>> read_conf_lines(std::string_view text, std::string_view filename);

// Reads a whole file (thin I/O shell). Error: "<path>: <strerror>".
Result<std::string> read_text_file(const std::string& path);
// Creates or replaces a file with `text` (mode 0666 less the umask). Error: "<path>: <strerror>".
Result<Ok> write_text_file(const std::string& path, std::string_view text);

// "<filename>:<line>: <message>", the shape of every config error and warning.
std::string where(std::string_view filename, int line, std::string_view message);

// NUT's parse_boolean: true|on|yes|1 and false|off|no|0, case-insensitive.
Result<bool> parse_boolean(std::string_view word);

}  // namespace walnut::config
