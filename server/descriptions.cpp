// cmdvartab reader.
#include "server/descriptions.h"

#include "common/tokenizer.h"

namespace walnut::server {

std::optional<std::string_view> Descriptions::variable(std::string_view name) const {
  auto it = variables.find(name);
  if (it == variables.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> Descriptions::command(std::string_view name) const {
  auto it = commands.find(name);
  if (it == commands.end()) return std::nullopt;
  return it->second;
}

Descriptions parse_descriptions(std::string_view text) {
  Descriptions out;
  LineTokenizer tokenizer;
  for (char byte : text) {
    if (tokenizer.feed(byte) != LineTokenizer::Event::kLine) continue;
    const auto& words = tokenizer.words();
    if (words.size() < 3) continue;
    if (words[0] == "VARDESC") out.variables[words[1]] = words[2];
    if (words[0] == "CMDDESC") out.commands[words[1]] = words[2];
  }
  return out;
}

}  // namespace walnut::server
