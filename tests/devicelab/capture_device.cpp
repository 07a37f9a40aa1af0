// Builds the device lab's emulated UPS from a capture file (see capture_device.h).

#include "tests/devicelab/capture_device.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/report_descriptor.h"

namespace walnut::devicelab {

Result<UpsImage> ups_image_from_capture(const std::string& path,
                                        const std::string& default_serial) {
  std::ifstream file(path);
  if (!file) return Error{fmt::format("{}: cannot open", path)};
  std::stringstream text;
  text << file.rdbuf();
  auto capture = hid::read_capture(text.str());
  if (!capture.ok()) return Error{fmt::format("{}: {}", path, capture.error())};
  auto descriptor = hid::parse_report_descriptor(capture->descriptor);
  if (!descriptor.ok()) return Error{fmt::format("{}: {}", path, descriptor.error())};

  UpsImage image;
  image.vendor_id = capture->vendor_id;
  image.product_id = capture->product_id;
  image.bcd_device = capture->bcd_device.value_or(0x0100);
  for (int index : {1, 2, 3}) {
    if (auto text_of = capture->string_descriptor(index)) image.strings[index] = *text_of;
  }
  if (image.strings.count(3) == 0 && !default_serial.empty()) image.strings[3] = default_serial;
  for (const auto& [index, value] : capture->strings) image.strings[index] = value;
  image.report_descriptor = capture->descriptor;
  // What NUT's oracle (stockhid's fakeusb.c) answers to GET_REPORT(Feature): captured bytes,
  // else zeros for a feature report the descriptor declares; other IDs stall.
  for (const hid::ReportLayout& layout : descriptor->reports) {
    if (layout.type != hid::ReportType::kFeature) continue;
    if (auto bytes = hid::captured_report(*capture, *descriptor, layout.type, layout.report_id)) {
      image.feature_reports[layout.report_id] = std::move(*bytes);
    }
  }
  for (const auto& [id, bytes] : capture->reports) image.feature_reports[id] = bytes;
  image.interrupts = capture->interrupts;
  // Where the HID sits (header `interface`, `endpoint-in`, as stockhid's fakeusb.c reads them):
  // interfaces in front of it are a USB serial port's (CDC control, then data), as on an Arduino.
  if (auto number = capture->header_value("interface")) {
    const int interface = std::atoi(number->c_str());
    for (int i = 0; i < interface && i < 16; ++i) image.leading_interfaces.push_back(i == 0 ? 0x02 : 0x0a);
  }
  if (auto endpoint = capture->header_value("endpoint-in")) {
    image.interrupt_endpoint =
        static_cast<std::uint8_t>(0x80 | (std::strtoul(endpoint->c_str(), nullptr, 16) & 0x0f));
  }
  return image;
}

}  // namespace walnut::devicelab
