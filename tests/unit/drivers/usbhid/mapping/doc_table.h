// Test support: the rows of a markdown table in docs/ (from the header line that starts with
// `header` to the first line that is not a table row), so tests can hold a doc to a registry.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace walnut::mapping::testing {

inline std::vector<std::string> doc_table(const std::string& doc, const std::string& header) {
  std::ifstream in(std::string(WALNUT_SOURCE_DIR) + "/" + doc);
  std::vector<std::string> rows;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      inside = line.rfind(header, 0) == 0;
      if (inside) rows.push_back(line);
      continue;
    }
    if (line.empty() || line[0] != '|') break;
    rows.push_back(line);
  }
  return rows;
}

inline std::string joined(const std::vector<std::string>& rows) {
  std::string text;
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

}  // namespace walnut::mapping::testing
