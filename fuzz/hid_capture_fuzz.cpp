// Fuzzes the capture reader: no crash on any text, and what it reads writes back to text that
// reads the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/usbhid/hid/capture.h"

using namespace walnut::hid;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto capture = read_capture(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!capture.ok()) return 0;
  const std::string text = write_capture(*capture);
  auto again = read_capture(text);
  if (!again.ok()) std::abort();
  if (again->descriptor != capture->descriptor || again->reports != capture->reports ||
      again->interrupts != capture->interrupts || again->vendor_id != capture->vendor_id ||
      again->product_id != capture->product_id) {
    std::abort();
  }
  if (write_capture(*again) != text) std::abort();
  return 0;
}
