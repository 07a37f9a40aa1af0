// Fuzzes metrics/ups_metrics + exposition with driver-controlled UPS names, variable names
// and values: the output must stay valid text format (valid UTF-8, valid metric names, one
// sample per line, every label value properly quoted).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "metrics/exposition.h"
#include "metrics/ups_metrics.h"

namespace {

// Walks one sample line: name, optional {label="value",...}, space, value. Aborts on a
// malformed line.
void check_sample_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  if (!walnut::metrics::is_valid_metric_name(line.substr(0, i))) std::abort();
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const std::size_t eq = line.find("=\"", i);
      if (eq == std::string_view::npos) std::abort();
      i = eq + 2;
      while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      if (i >= line.size()) std::abort();
      ++i;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) std::abort();
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') std::abort();
}

std::size_t count_replacements(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = 0; (at = text.find("\xEF\xBF\xBD", at)) != std::string_view::npos; at += 3) ++count;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Layout: UPS name, then "name\tvalue" pairs, separated by NUL bytes.
  std::string_view input(reinterpret_cast<const char*>(data), size);
  walnut::metrics::UpsSnapshot ups;
  ups.fresh = true;
  bool first = true;
  while (!input.empty()) {
    const std::size_t end = input.find('\0');
    const std::string_view field = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (first) {
      ups.name = std::string(field);
      first = false;
      continue;
    }
    const std::size_t tab = field.find('\t');
    if (tab == std::string_view::npos) continue;
    ups.variables[std::string(field.substr(0, tab))] = std::string(field.substr(tab + 1));
  }
  const std::string text = walnut::metrics::render(walnut::metrics::ups_metric_families({ups}));
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t lf = rest.find('\n');
    if (lf == std::string_view::npos) std::abort();  // every line ends with LF
    const std::string_view line = rest.substr(0, lf);
    if (!line.starts_with("# HELP ") && !line.starts_with("# TYPE ")) check_sample_line(line);
    rest.remove_prefix(lf + 1);
  }
  // Valid UTF-8 throughout: re-escaping replaces invalid bytes with U+FFFD, so a valid text
  // keeps exactly its own count of them.
  if (count_replacements(walnut::metrics::escape_help(text)) != count_replacements(text)) std::abort();
  return 0;
}
