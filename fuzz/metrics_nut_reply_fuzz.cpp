// Fuzzes metrics/nut_reply (a NUT server's LIST replies, line by line), the server address
// and number parsers and the reading back of a previous output file: no crash, and items
// always come from inside a BEGIN/END frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "metrics/nut_client.h"
#include "metrics/nut_reply.h"
#include "metrics/previous_output.h"
#include "metrics/ups_metrics.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  walnut::metrics::ListReplyParser parser({"VAR", "ups"});
  std::size_t lines = 0;
  while (!input.empty()) {
    const std::size_t lf = input.find('\n');
    const std::string_view line = input.substr(0, lf);
    parser.feed_line(line);
    ++lines;
    input.remove_prefix(lf == std::string_view::npos ? input.size() : lf + 1);
  }
  if (parser.items().size() > lines) std::abort();
  for (const auto& item : parser.items()) {
    if (item.empty()) std::abort();
  }
  const std::string_view whole(reinterpret_cast<const char*>(data), size);
  (void)walnut::metrics::parse_server_address(whole);
  for (const auto& name : walnut::metrics::scraped_ups_names(whole)) {
    if (name.empty()) std::abort();
  }
  if (auto number = walnut::metrics::parse_number(whole); number && *number != *number) std::abort();
  return 0;
}
