// The report codec (see codec.h): NUT's bit packing and value conversions, reproduced down to
// the order of floating-point operations so values print exactly as NUT prints them.
#include "drivers/usbhid/hid/codec.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace walnut::hid {
namespace {

constexpr std::uint32_t kVoltUnit = 0x00F0D121;
constexpr std::uint32_t kPowerUnit = 0x0000D121;  // VA and W share the unit code

// 1 + the position of the highest set bit (0 for 0), NUT's hibit().
int highest_bit(std::uint64_t x) {
  int bits = 0;
  while (x != 0) {
    x >>= 1;
    ++bits;
  }
  return bits;
}

std::uint64_t magnitude(std::int64_t v) {
  return v >= 0 ? static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(-(v + 1));
}

// Truncates toward zero as C's (long) cast does, without its undefined behaviour for values
// out of range (they saturate; NaN gives 0).
std::int64_t truncate_to_int64(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9.2233720368547758e18) return std::numeric_limits<std::int64_t>::max();
  if (value <= -9.2233720368547758e18) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(value);
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

bool uses_physical_range(const Field& f) {
  // The HID spec: undeclared, or both 0, means physical = logical. NUT also refuses ranges
  // that do not increase.
  if (!f.has_physical_minimum || !f.has_physical_maximum) return false;
  if (f.physical_minimum == 0 && f.physical_maximum == 0) return false;
  return f.physical_maximum > f.physical_minimum && f.logical_maximum > f.logical_minimum;
}

}  // namespace

std::uint64_t extract_bits(std::span<const std::uint8_t> report, const Field& field) {
  std::uint64_t value = 0;
  const std::uint32_t width = field.bit_size < 64 ? field.bit_size : 64;
  std::uint64_t bit = 8 + static_cast<std::uint64_t>(field.bit_offset);
  for (std::uint32_t weight = 0; weight < width; ++weight, ++bit) {
    const std::uint64_t byte = bit >> 3;
    if (byte >= report.size()) break;
    if (report[byte] & (1u << (bit & 7))) value |= std::uint64_t{1} << weight;
  }
  return value;
}

std::int64_t extract_logical(std::span<const std::uint8_t> report, const Field& field) {
  const std::uint64_t raw = extract_bits(report, field);
  const std::int64_t lo = field.logical_minimum;
  const std::int64_t hi = field.logical_maximum;
  // Devices (APC BF500) send garbage above the bits the logical range needs: NUT keeps only
  // those bits, plus a sign bit when the range goes negative.
  const std::uint64_t mag_max = magnitude(hi);
  const std::uint64_t mag_min = magnitude(lo);
  const int sign_position = highest_bit(mag_max > mag_min ? mag_max : mag_min);
  const std::uint64_t sign_bit = sign_position < 64 ? std::uint64_t{1} << sign_position : 0;
  const std::uint64_t mask = (sign_bit - 1) | (lo < 0 ? sign_bit : 0);
  std::uint64_t bits = raw & mask;
  if (lo < 0 && (bits & sign_bit) != 0) bits |= ~mask;
  std::int64_t value = static_cast<std::int64_t>(bits);
  if (value < lo) value = lo;
  else if (value > hi) value = hi;
  return value;
}

double logical_to_physical(const Field& f, std::int64_t logical) {
  if (!uses_physical_range(f)) return static_cast<double>(logical);
  const double factor = static_cast<double>(f.physical_maximum - f.physical_minimum) /
                        static_cast<double>(f.logical_maximum - f.logical_minimum);
  const double physical = static_cast<double>(logical - f.logical_minimum) * factor +
                          static_cast<double>(f.physical_minimum);
  if (physical > static_cast<double>(f.physical_maximum)) return static_cast<double>(f.physical_maximum);
  if (physical < static_cast<double>(f.physical_minimum)) return static_cast<double>(f.physical_minimum);
  return physical;
}

std::int64_t physical_to_logical(const Field& f, double physical) {
  if (!uses_physical_range(f)) return truncate_to_int64(physical);
  const double factor = static_cast<double>(f.logical_maximum - f.logical_minimum) /
                        static_cast<double>(f.physical_maximum - f.physical_minimum);
  const std::int64_t logical = saturating_add(
      truncate_to_int64((physical - static_cast<double>(f.physical_minimum)) * factor),
      f.logical_minimum);
  if (logical > f.logical_maximum) return f.logical_maximum;
  if (logical < f.logical_minimum) return f.logical_minimum;
  return logical;
}

int effective_unit_exponent(const Field& field) {
  int exponent = field.unit_exponent;
  if (field.unit == kVoltUnit || field.unit == kPowerUnit) exponent -= 7;
  return exponent;
}

double power_of_ten(int exponent) {
  // NUT's recursive exponent(): a * (a * ... 1) or (1/a) * ((1/a) * ... 1), innermost first.
  double result = 1;
  for (; exponent > 0; --exponent) result = 10.0 * result;
  for (; exponent < 0; ++exponent) result = (1 / 10.0) * result;
  return result;
}

double logical_to_value(const Field& field, std::int64_t logical) {
  double value = logical_to_physical(field, logical);
  value *= power_of_ten(effective_unit_exponent(field));
  return value;
}

double extract_value(std::span<const std::uint8_t> report, const Field& field) {
  return logical_to_value(field, extract_logical(report, field));
}

std::int64_t value_to_logical(const Field& field, double value) {
  value /= power_of_ten(effective_unit_exponent(field));
  return physical_to_logical(field, value);
}

Status insert_logical(std::span<std::uint8_t> report, const Field& field, std::int64_t logical) {
  const std::uint64_t end_bit = 8 + static_cast<std::uint64_t>(field.bit_offset) + field.bit_size;
  if ((end_bit + 7) / 8 > report.size()) {
    return Error{fmt::format("field at bit {} size {} does not fit a {}-byte report 0x{:02x}",
                             field.bit_offset, field.bit_size, report.size(), field.report_id)};
  }
  const auto value = static_cast<std::uint64_t>(logical);
  std::uint64_t bit = 8 + static_cast<std::uint64_t>(field.bit_offset);
  for (std::uint32_t weight = 0; weight < field.bit_size; ++weight, ++bit) {
    // Bits above the 64 a value has are written as the sign, as NUT's long would on 64-bit.
    const bool set = weight < 64 ? ((value >> weight) & 1) != 0 : logical < 0;
    const auto mask = static_cast<std::uint8_t>(1u << (bit & 7));
    if (set) report[bit >> 3] |= mask;
    else report[bit >> 3] &= static_cast<std::uint8_t>(~mask);
  }
  return Ok{};
}

Status insert_value(std::span<std::uint8_t> report, const Field& field, double value) {
  if ((field.flags & 0xFF) == kFlagConstant) {
    return Error{fmt::format("field at bit {} of report 0x{:02x} is constant", field.bit_offset,
                             field.report_id)};
  }
  return insert_logical(report, field, value_to_logical(field, value));
}

}  // namespace walnut::hid
