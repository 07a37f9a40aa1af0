// Capture file -> SimDeviceImage.
#include "drivers/usbhid/transport/sim_capture.h"

#include "common/config/conf_file.h"

namespace walnut::usbhid {

Result<SimDeviceImage> sim_image_from_capture(const hid::Capture& capture, std::string_view path) {
  SimDeviceImage image;
  image.info.vendor_id = capture.vendor_id;
  image.info.product_id = capture.product_id;
  image.info.bcd_device = capture.bcd_device.value_or(0);
  image.info.vendor = capture.manufacturer.value_or("");
  image.info.product = capture.product.value_or("");
  image.info.serial = capture.serial.value_or("");
  image.info.bus = "001";
  image.info.device = "001";
  image.info.bus_port = "1";
  image.info.path = std::string(path);
  image.report_descriptor = capture.descriptor;
  for (int index = 1; index <= 3; ++index) {
    if (auto text = capture.string_descriptor(index)) image.strings[index] = *text;
  }
  for (const auto& [index, text] : capture.strings) image.strings[index] = text;
  image.reports = capture.reports;
  image.interrupts = capture.interrupts;
  auto descriptor = hid::parse_report_descriptor(capture.descriptor);
  if (!descriptor) return Error{"report descriptor: " + descriptor.error()};
  for (const auto& layout : descriptor->reports) {
    const std::size_t length = 1 + (layout.bit_length + 7) / 8;
    if (layout.type == hid::ReportType::kFeature) image.feature_lengths[layout.report_id] = length;
    if (layout.type == hid::ReportType::kInput) image.input_lengths[layout.report_id] = length;
  }
  return image;
}

Result<SimDeviceImage> load_sim_image(const std::string& path) {
  auto text = config::read_text_file(path);
  if (!text) return Error{"can't read capture file " + path};
  auto capture = hid::read_capture(*text);
  if (!capture) return Error{path + ": " + capture.error()};
  auto image = sim_image_from_capture(*capture, path);
  if (!image) return Error{path + ": " + image.error()};
  return image;
}

}  // namespace walnut::usbhid
