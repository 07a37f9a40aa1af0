// Replacing a file so that readers (node_exporter's textfile collector) see either the old
// contents or the new, never a partial file: write a temporary file beside it, then rename.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace walnut::metrics {

// Writes `contents` to a temporary file in the directory of `path` (named ".<name>.tmp.XXXXXX",
// which the textfile collector ignores because it does not end in .prom), flushes it to disk,
// gives it mode 0644, and renames it over `path`. On failure the temporary file is removed
// and `path` is left as it was.
Status write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace walnut::metrics
