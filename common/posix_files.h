// Directory listings and symlink targets through plain POSIX calls. std::filesystem would do, but
// in the statically linked driver its path type pulls in iostreams and std::locale: ~350 kB of
// code that fault-around pages in next to what runs (issue 19).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace walnut {

// The names in `directory` ("." and ".." left out), in readdir() order; empty when it cannot be
// read (a /proc/PID that ended meanwhile, say).
std::vector<std::string> list_directory(const std::string& directory);

// Where the symlink `path` points, or nullopt.
std::optional<std::string> read_link(const std::string& path);

// `name` in the running program's own directory (/proc/self/exe's), or nullopt when the kernel
// does not say where the program is: where walnut-yaml and walnut-tls.so are installed and built.
std::optional<std::string> beside_this_program(const std::string& name);

// Every byte from `fd` until end of file (or of the pipe), with read(2): plain reads rather than
// a stream keep iostreams out of the driver. Error: strerror of the failed read. Leaves `fd` open.
Result<std::string> read_all(int fd);

// The number a pid file starts with (leading blanks skipped, as NUT's fscanf "%d" and a stream's
// >> read it), or nullopt: no file, no number, or one no pid can be.
std::optional<long> read_pid_file(const std::string& path);

}  // namespace walnut
