// Fuzzes metrics/http_request: the request-head parser fed in arbitrary chunks must stay in
// its size limit, and every state must produce a well-formed HTTP response.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "metrics/http_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size, so the parser sees requests split anywhere.
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  walnut::metrics::HttpRequestParser parser(512);
  std::size_t used = 0;
  while (!input.empty() && parser.state() == walnut::metrics::HttpRequestParser::State::kNeedMore) {
    const std::string_view piece = input.substr(0, chunk);
    const std::size_t n = parser.feed(piece);
    if (n > piece.size()) std::abort();
    used += n;
    input.remove_prefix(piece.size());
  }
  if (used > 512 + 1) std::abort();
  const std::string response = walnut::metrics::respond(parser, [] { return std::string("x 1\n"); });
  if (!response.starts_with("HTTP/1.1 ") || response.find("\r\n\r\n") == std::string::npos) std::abort();
  return 0;
}
