// Differential fuzzing of server/request_reader: its fast split of plain lines and its
// byte-by-byte path together must yield exactly the lines NUT's tokenizer yields alone, however
// the bytes are cut into reads. Inputs are kept clear of what can make the tokenizer fail or
// drop bytes after an error (quotes, backslashes, #), and short of the 32 KiB line bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/tokenizer.h"
#include "server/request_reader.h"

namespace {

using walnut::LineTokenizer;
using walnut::server::RequestReader;

std::vector<std::vector<std::string>> tokenizer_lines(std::string_view bytes) {
  LineTokenizer tokenizer;
  std::vector<std::vector<std::string>> lines;
  for (char byte : bytes) {
    if (tokenizer.feed(byte) == LineTokenizer::Event::kLine) lines.push_back(tokenizer.words());
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  // The first byte picks how the rest is cut into reads (1..256 bytes each).
  const std::size_t chunk = static_cast<std::size_t>(data[0]) + 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (bytes.find_first_of("\"\\#") != std::string_view::npos) return 0;

  RequestReader reader;
  std::vector<std::vector<std::string>> lines;
  for (std::size_t start = 0; start < bytes.size(); start += chunk) {
    const std::string_view read = bytes.substr(start, chunk);
    const auto outcome = reader.feed(
        read.data(), read.size(),
        [&](const std::vector<std::string>& words) {
          lines.push_back(words);
          return true;
        },
        [](std::string_view) { std::abort(); },  // no tokenizer error is possible here
        [] { std::abort(); });                   // nor an unterminated quote
    if (outcome != RequestReader::Outcome::kContinue) std::abort();
  }
  if (lines != tokenizer_lines(bytes)) std::abort();
  return 0;
}
