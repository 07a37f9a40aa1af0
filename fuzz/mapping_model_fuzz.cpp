// Fuzzes the device model: a corpus device (picked by the first byte) receives GET_REPORT
// answers, interrupts, report failures, walks, instant commands and SETs driven by the input.
// Anything goes but a crash, undefined behaviour or an exception.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/subdriver.h"

namespace {

using namespace walnut;

struct Device {
  hid::Capture capture;
  hid::ReportDescriptor descriptor;
  mapping::Mapping mapping;
};

std::vector<Device> load_devices() {
  std::vector<Device> devices;
  for (const char* name : {"apc-back-ups-es-850g2.txt", "apc-smart-ups-1000.txt", "apc-back-ups-xs-1400u.txt",
                           "cyberpower-cp1500pfclcd.txt", "tripplite-09ae-3016.txt", "eaton-3s-700.txt"}) {
    std::ifstream in(std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus/" + name);
    std::stringstream text;
    text << in.rdbuf();
    auto capture = hid::read_capture(text.str());
    if (!capture.ok()) std::abort();
    auto descriptor = hid::parse_report_descriptor(capture->descriptor);
    if (!descriptor.ok()) std::abort();
    mapping::SelectionRequest request;
    request.vendor_id = capture->vendor_id;
    request.product_id = capture->product_id;
    auto selection = mapping::select_subdriver(request);
    if (!selection.ok()) std::abort();
    auto loaded = mapping::builtin_mapping(selection->key);
    if (!loaded.ok()) std::abort();
    devices.push_back({std::move(*capture), std::move(*descriptor), std::move(*loaded)});
  }
  return devices;
}

const char* const kCommands[] = {"load.off", "load.on", "shutdown.return", "shutdown.stayoff", "beeper.on",
                                 "test.battery.start.quick", "load.off.delay", "shutdown.stop"};
const char* const kVariables[] = {"battery.charge.low", "input.sensitivity", "battery.mfr.date", "ups.delay.start",
                                  "input.transfer.high", "battery.runtime.low"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Device> devices = load_devices();
  if (size < 2) return 0;
  const Device& device = devices[data[0] % devices.size()];
  mapping::ModelOptions options;
  options.onlinedischarge = (data[1] & 1) != 0;
  options.interruptonly = (data[1] & 2) != 0;
  mapping::DeviceIdentity identity{device.capture.vendor_id, device.capture.product_id, device.capture.manufacturer,
                                   device.capture.product, device.capture.serial};
  auto model = mapping::HidUps::create(device.descriptor, device.mapping, identity, options,
                                       [](int index) -> std::optional<std::string> {
                                         if (index % 3 == 0) return std::nullopt;
                                         return std::string(static_cast<std::size_t>(index % 40), 'x');
                                       });
  if (!model.ok()) std::abort();
  UpsState state;
  if (data[1] & 4) state.set_info("driver.flag.ignorelb", "enabled");
  (*model)->publish_identity(state);
  std::size_t at = 2;
  bool initialised = false;
  while (at + 2 <= size) {
    const std::uint8_t op = data[at];
    const std::uint8_t length = data[at + 1];
    at += 2;
    const std::size_t n = std::min<std::size_t>(length, size - at);
    std::span<const std::uint8_t> bytes(data + at, n);
    at += n;
    switch (op % 8) {
      case 0: if (!bytes.empty()) (*model)->on_report(bytes[0], bytes); break;
      case 1: (*model)->on_interrupt(bytes, state); break;
      case 2: if (!bytes.empty()) (*model)->on_report_failed(bytes[0]); break;
      case 3: (void)(*model)->init(state); initialised = true; break;
      case 4: if (initialised) (*model)->walk((op & 8) ? mapping::WalkMode::kFull : mapping::WalkMode::kQuick, state); break;
      case 5: {
        std::string value(bytes.begin(), bytes.end());
        (void)(*model)->instcmd(kCommands[op / 8 % 8], (op & 64) ? std::optional<std::string_view>(value) : std::nullopt, state);
        break;
      }
      case 6: (void)(*model)->setvar(kVariables[op / 8 % 6], std::string(bytes.begin(), bytes.end()), state); break;
      case 7: (*model)->writes_done((op & 8) != 0); (*model)->commit_status(state); break;
    }
  }
  for (std::uint8_t id : (*model)->reports_for_walk(mapping::WalkMode::kInit)) (void)(*model)->report_length(id);
  return 0;
}
