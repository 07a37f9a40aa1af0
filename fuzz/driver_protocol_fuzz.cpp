// Fuzzes common/driver_protocol with common/ups_state: any bytes, split into lines, must parse
// (or fail) cleanly in both directions; every parsed message must format back into a line
// that parses to the same line; and a store's DUMPALL applied to a fresh store must dump
// identically (what a driver sends is what upsd rebuilds).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/driver_protocol.h"
#include "common/tokenizer.h"

namespace dp = walnut::driver_protocol;

namespace {

std::vector<std::string> dump_lines(const walnut::UpsState& state) {
  std::vector<std::string> lines;
  for (const auto& message : dp::dump_all(state)) lines.push_back(dp::format(message));
  return lines;
}

template <typename Message, typename Parse>
void check_round_trip(const Message& message, Parse parse) {
  const std::string line = dp::format(message);
  auto back = parse(line);
  if (!back.ok() || dp::format(*back) != line) std::abort();
}

void check_store(const walnut::UpsState& state) {
  for (const auto& [key, variable] : state.variables()) {
    if (variable.value.size() > walnut::kMaxValueLength) std::abort();
    for (const auto& value : variable.enums) {
      if (value.size() > walnut::kMaxValueLength) std::abort();
    }
  }
  const auto& commands = state.commands();
  for (std::size_t i = 1; i < commands.size(); ++i) {
    if (!walnut::CaseInsensitiveLess{}(commands[i - 1], commands[i])) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  walnut::UpsState state;
  walnut::LineTokenizer tokenizer;
  for (char c : input) {
    if (tokenizer.feed(c) != walnut::LineTokenizer::Event::kLine) continue;
    const auto& words = tokenizer.words();
    if (auto message = dp::parse_driver_message(words); message.ok()) {
      check_round_trip(*message, dp::parse_driver_line);
      dp::apply(*message, state);
    }
    if (auto command = dp::parse_upsd_message(words); command.ok()) {
      check_round_trip(*command, dp::parse_upsd_line);
    }
  }
  check_store(state);

  const auto lines = dump_lines(state);
  walnut::UpsState rebuilt;
  for (const auto& line : lines) {
    auto message = dp::parse_driver_line(line);
    if (!message.ok()) std::abort();
    dp::apply(*message, rebuilt);
  }
  if (dump_lines(rebuilt) != lines) std::abort();
  return 0;
}
