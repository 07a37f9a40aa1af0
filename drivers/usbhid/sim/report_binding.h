// Where the simulated UPS's quantities live in its HID reports: the fields of the recorded
// device's descriptor bound by usage name, written through the HID codec exactly where the
// real device has them, and the host's SET_REPORTs decoded back into commands. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/sim/ups_physics.h"

namespace walnut::usbhid::sim {

using ReportBytes = std::vector<std::uint8_t>;
// The device's present bytes of report `id` (ID byte first), if it has any.
using ReportLookup = std::function<std::optional<ReportBytes>(std::uint8_t id)>;

enum class Quantity {
  // Written by the model.
  kACPresent, kCharging, kDischarging, kBelowRemainingCapacityLimit, kRemainingTimeLimitExpired,
  kShutdownImminent, kNeedReplacement, kBatteryPresent, kOverload, kBoost, kBuck, kRemainingCapacity,
  kRunTimeToEmpty, kPercentLoad, kInputVoltage, kOutputVoltage, kBatteryVoltage,
  kDelayBeforeShutdown, kDelayBeforeReboot, kTest,
  // Read by the model (the host may write them).
  kRemainingCapacityLimit, kRemainingTimeLimit, kLowVoltageTransfer, kHighVoltageTransfer,
  kConfigVoltage,
};

struct Binding {
  hid::Field field;
  Quantity quantity;
};

class ReportBinding {
 public:
  // Binds every field of the descriptor whose usage names a quantity (NUT's APC usage names,
  // which include the generic Power Device / Battery System pages). Error if the descriptor
  // does not parse or has no RemainingCapacity or ACPresent at all.
  static Result<ReportBinding> from_descriptor(std::span<const std::uint8_t> descriptor);

  const std::vector<Binding>& bindings() const { return bindings_; }

  // The limits as the device's reports say now (defaults where it has no such field).
  UpsLimits read_limits(const ReportLookup& reports) const;
  // Load, charge, runtime and utility voltage as recorded, so the model starts where the
  // capture left the device.
  void calibrate(UpsPhysics& ups, const ReportLookup& reports) const;
  // The bytes of every bound report after writing the model's quantities into them; other
  // bits of each report are kept.
  std::map<std::uint8_t, ReportBytes> render(const UpsPhysics& ups, const UpsLimits& limits,
                                             const ReportLookup& reports) const;
  // A SET_REPORT from the host: the timers and the self-test it starts or stops.
  void apply_host_write(std::uint8_t id, std::span<const std::uint8_t> bytes,
                        UpsPhysics& ups) const;

 private:
  hid::ReportDescriptor descriptor_;
  std::vector<Binding> bindings_;
};

}  // namespace walnut::usbhid::sim
