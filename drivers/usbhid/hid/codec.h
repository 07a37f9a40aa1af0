// The report codec: a field's value out of report bytes and back, with NUT's conversions
// (libhid.c/hidparser.c GetValue, logical_to_physical, unit exponents, SetValue).
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "drivers/usbhid/hid/report_descriptor.h"

namespace walnut::hid {

// Every function here takes a report as NUT buffers it: byte 0 is the report ID (0 when the
// device uses no IDs), the field's bits start at bit 8 + bit_offset, LSB first. Bits beyond the
// end of `report` read as zero.

// The field's raw bits, unsigned (at most the low 64 bits of a wider field).
std::uint64_t extract_bits(std::span<const std::uint8_t> report, const Field& field);

// NUT's GetValue: the raw bits masked to the width the logical range needs (plus a sign bit
// when Logical Minimum < 0, then sign-extended), clamped to [Logical Minimum, Logical Maximum].
std::int64_t extract_logical(std::span<const std::uint8_t> report, const Field& field);

// NUT's logical_to_physical: linear map onto [Physical Minimum, Physical Maximum] when both
// were declared, not both 0 and both ranges increase; else the logical value.
double logical_to_physical(const Field& field, std::int64_t logical);
// NUT's physical_to_logical (truncates toward zero, clamps to the logical range).
std::int64_t physical_to_logical(const Field& field, double physical);

// NUT's get_unit_expo: the unit exponent minus 7 for volt (0x00F0D121) and VA/W (0x0000D121)
// units, whose SI base makes devices declare 7 for plain volts/watts.
int effective_unit_exponent(const Field& field);
// 10^exponent computed as NUT does (repeated multiplication by 10 or by 1/10).
double power_of_ten(int exponent);

// The value NUT reports for the field (HIDGetDataValue): physical value × 10^exponent.
double logical_to_value(const Field& field, std::int64_t logical);
double extract_value(std::span<const std::uint8_t> report, const Field& field);
// The inverse (HIDSetDataValue before SetValue): ÷ 10^exponent, then physical → logical.
std::int64_t value_to_logical(const Field& field, double value);

// NUT's SetValue: writes the low bit_size bits of `logical` at the field's place, every other
// bit of `report` kept. Error if the field does not fit in `report`.
Status insert_logical(std::span<std::uint8_t> report, const Field& field, std::int64_t logical);
// value_to_logical + insert_logical. Error for a field NUT refuses to write (its data byte is
// exactly 0x01, "constant": libhid.c HIDSetDataValue) or that does not fit.
Status insert_value(std::span<std::uint8_t> report, const Field& field, double value);

}  // namespace walnut::hid
