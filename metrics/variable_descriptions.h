// NUT's descriptions of its standard variable names (data/cmdvartab), compiled in so that
// metrics get HELP text without reading files or asking a server for GET DESC.
#pragma once

#include <string_view>

namespace walnut::metrics {

// Returns NUT's description of a variable ("battery.charge" → "Battery charge (percent of
// full)"), matching names case-insensitively like upsd does; empty when NUT has none. A leading
// "upstream." is ignored for the lookup, as stock upsd does for GET DESC.
std::string_view variable_description(std::string_view name);

}  // namespace walnut::metrics
