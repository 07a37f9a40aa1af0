// The varint / zigzag / length-prefixed encoding of pack.h.
#include "common/pack.h"

namespace walnut {

void PackWriter::unsigned_number(std::uint64_t value) {
  while (value >= 0x80) {
    bytes_.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  bytes_.push_back(static_cast<char>(value));
}

void PackWriter::signed_number(std::int64_t value) {
  unsigned_number((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void PackWriter::text(std::string_view value) {
  unsigned_number(value.size());
  bytes_.append(value);
}

std::uint64_t PackReader::unsigned_number() {
  std::uint64_t value = 0;
  for (unsigned shift = 0; !failed_; shift += 7) {
    if (position_ >= bytes_.size() || shift > 63) break;
    const auto byte = static_cast<unsigned char>(bytes_[position_++]);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  failed_ = true;
  return 0;
}

std::int64_t PackReader::signed_number() {
  const std::uint64_t zigzag = unsigned_number();
  return static_cast<std::int64_t>(zigzag >> 1) ^ -static_cast<std::int64_t>(zigzag & 1);
}

std::string_view PackReader::text() {
  const std::uint64_t size = unsigned_number();
  if (failed_ || size > bytes_.size() - position_) {
    failed_ = true;
    return {};
  }
  std::string_view value = bytes_.substr(position_, size);
  position_ += size;
  return value;
}

std::size_t PackReader::count() {
  const std::uint64_t value = unsigned_number();
  if (failed_ || value > bytes_.size() - position_) {
    failed_ = true;
    return 0;
  }
  return static_cast<std::size_t>(value);
}

}  // namespace walnut
