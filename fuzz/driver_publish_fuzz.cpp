// Fuzzes the state publisher: bytes drive edits of a variable store; after each batch the
// published lines are formatted, re-parsed and applied to a reader's store, which must then
// hold exactly what the driver's store holds (values, wire flags, aux, enums, ranges, commands,
// staleness).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/driver_protocol.h"
#include "drivers/usbhid/state_publisher.h"

namespace {

using walnut::UpsState;
namespace dp = walnut::driver_protocol;

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return position_ >= size_; }
  std::uint8_t byte() { return empty() ? 0 : data_[position_++]; }
  // Printable ASCII only: NUT's line parser drops control bytes, so they cannot travel on the
  // driver socket at all (for stock NUT neither); that is the wire's limit, not the publisher's.
  std::string text() {
    std::string out;
    for (std::size_t n = byte() % 6; n > 0 && !empty(); --n) {
      out += static_cast<char>(0x20 + byte() % 0x5f);
    }
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

const char* const kNames[] = {"ups.status", "UPS.Status", "battery.charge", "ups.delay.shutdown",
                              "input.transfer.high", "ups.alarm"};

void edit(Input& in, UpsState& state) {
  const std::string name = kNames[in.byte() % 6];
  switch (in.byte() % 10) {
    case 0: state.set_info(name, in.text()); break;
    case 1: state.del_info(name); break;
    case 2: state.set_flags(name, in.byte() & 0xF); break;
    case 3: state.set_aux(name, static_cast<long>(in.byte()) - 8); break;
    case 4: state.add_enum(name, in.text()); break;
    case 5: state.del_enum(name, in.text()); break;
    case 6: state.add_range(name, in.byte() % 8, in.byte() % 8); break;
    case 7: state.del_range(name, in.byte() % 8, in.byte() % 8); break;
    case 8: if (in.byte() & 1) state.add_cmd(name); else state.del_cmd(name); break;
    default: state.set_data_ok(in.byte() & 1); break;
  }
}

bool same(const UpsState& a, const UpsState& b) {
  constexpr unsigned kWire = walnut::kFlagRw | walnut::kFlagString | walnut::kFlagNumber;
  // Names (of variables and commands) are case-insensitive in NUT: "ADDCMD ups.status" after
  // "ADDCMD UPS.Status" is no change, so only the spelling may differ.
  if (a.variables().size() != b.variables().size() || a.commands().size() != b.commands().size() ||
      a.data_ok() != b.data_ok()) {
    return false;
  }
  for (std::size_t i = 0; i < a.commands().size(); ++i) {
    if (!walnut::equals_ignoring_case(a.commands()[i], b.commands()[i])) return false;
  }
  for (const auto& [name, variable] : a.variables()) {
    const walnut::Variable* other = b.find(name);
    if (other == nullptr || !walnut::equals_ignoring_case(other->value, variable.value) ||
        (other->flags & kWire) != (variable.flags & kWire) || other->aux != variable.aux ||
        other->enums != variable.enums || other->ranges != variable.ranges) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  UpsState driver;
  UpsState published;
  UpsState reader;
  while (!in.empty()) {
    for (int n = in.byte() % 8; n >= 0 && !in.empty(); --n) edit(in, driver);
    for (const auto& message : walnut::usbhid::publish_changes(driver, published)) {
      auto parsed = dp::parse_driver_line(dp::format(message));
      if (!parsed) __builtin_trap();  // the publisher wrote a line NUT's parser refuses
      dp::apply(*parsed, reader);
    }
    if (!same(driver, reader) || !same(driver, published)) __builtin_trap();
  }
  return 0;
}
