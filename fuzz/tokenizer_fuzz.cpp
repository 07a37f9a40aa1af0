// Fuzzes common/tokenizer: the streaming state machine must never crash, must keep its
// limits, and join_words() must round-trip whatever words it produced.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  walnut::LineTokenizer tokenizer;
  for (char c : input) {
    if (tokenizer.feed(c) != walnut::LineTokenizer::Event::kLine) continue;
    const auto& words = tokenizer.words();
    if (words.size() > 32) std::abort();
    for (const auto& word : words) {
      if (word.size() > 512) std::abort();
    }
    auto back = walnut::tokenize_line(walnut::join_words(words));
    if (!back.ok() || *back != words) std::abort();
  }
  (void)walnut::tokenize_line(input);
  return 0;
}
