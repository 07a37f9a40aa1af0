// Directory listings and symlink targets through plain POSIX calls. std::filesystem would do, but
// in the statically linked driver its path type pulls in iostreams and std::locale: ~350 kB of
// code that fault-around pages in next to what runs (issue 19).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace walnut {

// The names in `directory` ("." and ".." left out), in readdir() order; empty when it cannot be
// read (a /proc/PID that ended meanwhile, say).
std::vector<std::string> list_directory(const std::string& directory);

// Where the symlink `path` points, or nullopt.
std::optional<std::string> read_link(const std::string& path);

}  // namespace walnut
