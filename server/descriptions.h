// Variable and command descriptions for GET DESC / GET CMDDESC, from NUT's cmdvartab
// (VARDESC/CMDDESC lines in DATAPATH).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/ups_state.h"

namespace walnut::server {

struct Descriptions {
  std::map<std::string, std::string, CaseInsensitiveLess> variables;
  std::map<std::string, std::string, CaseInsensitiveLess> commands;

  std::optional<std::string_view> variable(std::string_view name) const;
  std::optional<std::string_view> command(std::string_view name) const;
};

// Parses cmdvartab text; malformed lines are skipped, as stock does.
Descriptions parse_descriptions(std::string_view text);

}  // namespace walnut::server
