// Walks the logical lines of a NUT config file's text (parseconf rules, via the shared
// tokenizer), with the physical line number each began on, for error messages.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::server {

using ConfigLineHandler =
    std::function<Status(std::size_t line_number, const std::vector<std::string>& words)>;

// Calls `handler` for every non-empty line. Stops at the first error: a tokenizer error
// or the handler's, both prefixed "<file_name>:<line>: ".
Status for_each_config_line(std::string_view text, std::string_view file_name,
                            const ConfigLineHandler& handler);

// The whole file, or an error naming it.
Result<std::string> read_config_file(const std::string& path);

}  // namespace walnut::server
