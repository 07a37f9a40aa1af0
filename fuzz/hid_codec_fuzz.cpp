// Fuzzes the report codec on the fields of a real descriptor (APC Back-UPS ES 850G2 from the
// HID corpus): input = field selector + report bytes. Reading never fails; writing back what
// was read changes no bit of the report; writing any value keeps every other field's bits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/hid/report_descriptor.h"

using namespace walnut::hid;

namespace {

ReportDescriptor load() {
  std::ifstream in(WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt");
  std::stringstream text;
  text << in.rdbuf();
  auto capture = read_capture(text.str());
  if (!capture.ok()) std::abort();
  auto descriptor = parse_report_descriptor(capture->descriptor);
  if (!descriptor.ok()) std::abort();
  return std::move(descriptor).value();
}

const ReportDescriptor& descriptor() {
  static const ReportDescriptor d = load();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9) return 0;
  const ReportDescriptor& d = descriptor();
  const Field& field = d.fields[data[0] % d.fields.size()];
  double value = 0;
  std::memcpy(&value, data + 1, sizeof value);
  std::vector<std::uint8_t> report(data + 9, data + size);

  const std::int64_t logical = extract_logical(report, field);
  if (logical < field.logical_minimum || logical > field.logical_maximum) std::abort();
  (void)extract_value(report, field);
  (void)value_to_logical(field, value);
  (void)physical_to_logical(field, value);

  if (!insert_logical(report, field, logical).ok()) return 0;  // field beyond these bytes
  const std::vector<std::uint8_t> before = report;
  // Writing any value touches only the field's bits.
  if (insert_value(report, field, value).ok()) {
    for (std::size_t bit = 0; bit < report.size() * 8; ++bit) {
      const bool inside = bit >= 8 + field.bit_offset && bit < 8 + field.bit_offset + field.bit_size;
      const bool changed = ((report[bit / 8] ^ before[bit / 8]) >> (bit % 8)) & 1;
      if (changed && !inside) std::abort();
    }
    const std::int64_t written = value_to_logical(field, value);
    const std::uint64_t mask = field.bit_size >= 64 ? ~0ull : ((1ull << field.bit_size) - 1);
    if ((extract_bits(report, field) & mask) != (static_cast<std::uint64_t>(written) & mask)) std::abort();
  }
  return 0;
}
