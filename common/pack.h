// A compact binary form for tables the build compiles from YAML (the vendor mappings and NUT's
// usage names, drivers/usbhid/mapping/mapping_pack.h): unsigned LEB128 varints, zigzag-coded
// signed values and length-prefixed strings. Reading packed tables at startup needs no YAML
// parser, and so no iostreams and no std::locale, whose code alone is ~370 kB of a static
// driver's resident memory (issue 19).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace walnut {

class PackWriter {
 public:
  void unsigned_number(std::uint64_t value);
  void signed_number(std::int64_t value);
  void text(std::string_view value);
  void flag(bool value) { unsigned_number(value ? 1 : 0); }

  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Reads what PackWriter wrote, in the same order. A read past the end or a malformed number
// makes ok() false for good and returns 0 / "" from then on: callers check ok() once, at the end.
class PackReader {
 public:
  explicit PackReader(std::string_view bytes) : bytes_(bytes) {}

  std::uint64_t unsigned_number();
  std::int64_t signed_number();
  std::string_view text();
  bool flag() { return unsigned_number() != 0; }
  // A count of items that each take at least one byte: more than the bytes left is corrupt
  // (so a bad count cannot make the caller reserve gigabytes).
  std::size_t count();

  bool ok() const { return !failed_; }
  bool at_end() const { return position_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
  bool failed_ = false;
};

// A table compiled into a program by the build (walnut-pack-tables writes them).
struct PackedFile {
  const char* name;  // the YAML file's name without ".yaml": "apc", "generic", ...
  const unsigned char* bytes;
  std::size_t size;
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes), size}; }
};

}  // namespace walnut
