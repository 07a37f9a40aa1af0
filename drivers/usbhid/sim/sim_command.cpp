// The simulated UPS's command language.
#include "drivers/usbhid/sim/sim_command.h"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace walnut::usbhid::sim {
namespace {

SimCommand command_of(SimCommand::Kind kind) {
  SimCommand command;
  command.kind = kind;
  return command;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
                               line[i] == '\n')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
           line[i] != '\n') {
      ++i;
    }
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

Result<double> number_in(std::string_view name, std::string_view text, double low, double high) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return Error{fmt::format("{}: expected a number from {} to {}, got '{}'", name, low, high,
                             text)};
  }
  return value;
}

Result<bool> switch_in(std::string_view name, std::string_view text, std::string_view on,
                       std::string_view off) {
  if (text == on) return true;
  if (text == off) return false;
  return Error{fmt::format("{}: expected {} or {}, got '{}'", name, on, off, text)};
}

Result<std::uint8_t> hex_byte(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > 0xff) {
    return Error{fmt::format("hostwrite: bad hex byte '{}'", text)};
  }
  return static_cast<std::uint8_t>(value);
}

// usb ok | usb busy | usb slow MS [timeout EVERY]
Result<SimCommand> parse_usb(const std::vector<std::string_view>& words) {
  SimCommand command = command_of(SimCommand::Kind::kUsb);
  const std::string_view mode = words.size() > 1 ? words[1] : std::string_view{};
  if ((mode == "ok" || mode == "busy") && words.size() == 2) {
    command.on = mode == "busy";
    return command;
  }
  if (mode == "slow" && (words.size() == 3 || (words.size() == 5 && words[3] == "timeout"))) {
    auto delay = number_in("usb slow", words[2], 0, 60000);
    if (!delay) return Error{delay.error()};
    command.number = *delay;
    if (words.size() == 5) {
      auto every = number_in("usb slow timeout", words[4], 1, 1000000);
      if (!every) return Error{every.error()};
      command.every = static_cast<int>(*every);
    }
    return command;
  }
  return Error{"usb: expected 'ok', 'busy' or 'slow MS [timeout EVERY]'"};
}

Result<SimCommand> parse_host_write(const std::vector<std::string_view>& words) {
  if (words.size() < 3) return Error{"hostwrite: expected ID and bytes"};
  SimCommand command = command_of(SimCommand::Kind::kHostWrite);
  auto id = hex_byte(words[1]);
  if (!id) return Error{id.error()};
  for (std::size_t i = 2; i < words.size(); ++i) {
    auto byte = hex_byte(words[i]);
    if (!byte) return Error{byte.error()};
    command.bytes.push_back(*byte);
  }
  if (command.bytes[0] != *id) return Error{"hostwrite: the first byte must be the report ID"};
  return command;
}

}  // namespace

Result<SimCommand> parse_sim_command(std::string_view line) {
  const auto words = split_words(line);
  if (words.empty()) return Error{"empty command"};
  const std::string_view verb = words[0];
  using Kind = SimCommand::Kind;
  auto arity = [&](std::size_t count) -> Status {
    if (words.size() == count + 1) return Ok{};
    return Error{fmt::format("{}: expected {} argument{}", verb, count, count == 1 ? "" : "s")};
  };
  auto with_number = [&](Kind kind, double low, double high) -> Result<SimCommand> {
    if (auto ok = arity(1); !ok) return Error{ok.error()};
    auto value = number_in(verb, words[1], low, high);
    if (!value) return Error{value.error()};
    SimCommand command = command_of(kind);
    command.number = *value;
    return command;
  };
  auto with_switch = [&](Kind kind, std::string_view on, std::string_view off)
      -> Result<SimCommand> {
    if (auto ok = arity(1); !ok) return Error{ok.error()};
    auto value = switch_in(verb, words[1], on, off);
    if (!value) return Error{value.error()};
    SimCommand command = command_of(kind);
    command.on = *value;
    return command;
  };
  auto bare = [&](Kind kind) -> Result<SimCommand> {
    if (auto ok = arity(0); !ok) return Error{ok.error()};
    return command_of(kind);
  };
  if (verb == "mains") return with_switch(Kind::kMains, "on", "off");
  if (verb == "voltage") return with_number(Kind::kVoltage, 0, 400);
  if (verb == "load") return with_number(Kind::kLoad, 0, 200);
  if (verb == "charge") return with_number(Kind::kCharge, 0, 100);
  if (verb == "battery" && words.size() == 2 && words[1] == "absent") return command_of(Kind::kBatteryOut);
  if (verb == "battery") return with_switch(Kind::kBattery, "ok", "worn");
  if (verb == "unplug") return bare(Kind::kUnplug);
  if (verb == "replug") return bare(Kind::kReplug);
  if (verb == "scale") return with_number(Kind::kScale, 0.01, 10000);
  if (verb == "status") return bare(Kind::kStatus);
  if (verb == "hostwrite") return parse_host_write(words);
  if (verb == "usb") return parse_usb(words);
  return Error{fmt::format("unknown command '{}' (try: walnut-sim help)", verb)};
}

bool apply_to_physics(const SimCommand& command, UpsPhysics& ups) {
  using Kind = SimCommand::Kind;
  switch (command.kind) {
    case Kind::kMains: ups.mains = command.on; return true;
    case Kind::kVoltage:
      ups.utility_voltage = command.number;
      ups.mains = command.number > 0;
      return true;
    case Kind::kLoad: ups.load = command.number; return true;
    case Kind::kCharge: ups.charge = command.number; return true;
    case Kind::kBattery:  // a battery is in: the old one, or a new one ("ok")
      ups.battery_worn = !command.on;
      ups.battery_present = true;
      return true;
    case Kind::kBatteryOut: ups.battery_present = false; return true;
    case Kind::kUnplug: ups.cable_connected = false; return true;
    case Kind::kReplug: ups.cable_connected = true; return true;
    default: return false;
  }
}

std::string host_write_line(const std::vector<std::uint8_t>& bytes) {
  std::string line = fmt::format("hostwrite 0x{:02x}", bytes.empty() ? 0 : bytes[0]);
  for (std::uint8_t byte : bytes) line += fmt::format(" {:02x}", byte);
  return line;
}

std::string sim_command_help() {
  return "Commands:\n"
         "  mains on|off       utility power present / failed\n"
         "  voltage V          utility voltage (a sag below the low transfer point = battery)\n"
         "  load PERCENT       load on the output (over 100 = overload)\n"
         "  charge PERCENT     set the battery's charge\n"
         "  battery ok|worn    worn: replace-battery flag, self-tests fail\n"
         "  battery absent     taken out (BatteryPresent cleared): no-battery alarm\n"
         "  unplug | replug    the USB cable\n"
         "  usb slow MS [timeout N]  every GET_REPORT MS late, every N-th times out (5 s)\n"
         "  usb busy | usb ok  another program holds the interface / the bus is fine again\n"
         "  scale FACTOR       sim seconds per real second\n"
         "  status             the model's quantities\n";
}

}  // namespace walnut::usbhid::sim
