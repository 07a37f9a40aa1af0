// Fuzzes usbhid-ups's argument and settings parsing: NUL-separated arguments -> CommandLine ->
// DriverOptions. Nothing may crash; every error is a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/usbhid/driver_options.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += static_cast<char>(data[i]);
    }
  }
  auto line = walnut::usbhid::parse_command_line(args);
  if (!line) return 0;
  std::vector<walnut::usbhid::Setting> settings = line->settings;
  settings.push_back({"port", "auto"});
  auto options = walnut::usbhid::make_driver_options(settings);
  if (options && options->port.empty()) __builtin_trap();  // a port was given
  return 0;
}
