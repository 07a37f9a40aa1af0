// Reading back the UPS names from a file walnut-textfile wrote earlier, so that while the NUT
// server is unreachable each UPS keeps its own ups_scrape_success 0 series (and its alerts)
// instead of collapsing into one unlabelled series.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace walnut::metrics {

// The ups label values of the ups_scrape_success samples in an exposition text, unescaped,
// in file order, without duplicates and without the empty name. Lines that are not such a
// sample, or are malformed, are skipped.
std::vector<std::string> scraped_ups_names(std::string_view exposition);

}  // namespace walnut::metrics
