// Model quantities <-> HID report fields.
#include "drivers/usbhid/sim/report_binding.h"

#include <cmath>
#include <string>
#include <string_view>

#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/hid/usage_table.h"

namespace walnut::usbhid::sim {
namespace {

// The usage names of a path without NUT's "[n]" index nodes: "UPS.Input.[1].Voltage" ->
// {"UPS", "Input", "Voltage"}.
std::vector<std::string> names_of(const hid::UsageTable& table, const hid::UsagePath& path) {
  std::vector<std::string> names;
  for (hid::Usage usage : path) {
    if ((usage & 0xFFFF0000u) == 0x00FF0000u) continue;  // index node
    auto name = table.name_of(usage);
    names.emplace_back(name ? std::string(*name) : std::string());
  }
  return names;
}

std::optional<Quantity> quantity_of(const std::vector<std::string>& names) {
  if (names.empty()) return std::nullopt;
  const std::string& last = names.back();
  const std::string parent = names.size() > 1 ? names[names.size() - 2] : "";
  static const std::map<std::string_view, Quantity> kByName = {
      {"ACPresent", Quantity::kACPresent},
      {"Charging", Quantity::kCharging},
      {"Discharging", Quantity::kDischarging},
      {"BelowRemainingCapacityLimit", Quantity::kBelowRemainingCapacityLimit},
      {"RemainingTimeLimitExpired", Quantity::kRemainingTimeLimitExpired},
      {"ShutdownImminent", Quantity::kShutdownImminent},
      {"NeedReplacement", Quantity::kNeedReplacement},
      {"BatteryPresent", Quantity::kBatteryPresent},
      {"Overload", Quantity::kOverload},
      {"Boost", Quantity::kBoost},
      {"Buck", Quantity::kBuck},
      {"RemainingCapacity", Quantity::kRemainingCapacity},
      {"RunTimeToEmpty", Quantity::kRunTimeToEmpty},
      {"PercentLoad", Quantity::kPercentLoad},
      {"DelayBeforeShutdown", Quantity::kDelayBeforeShutdown},
      {"APCDelayBeforeShutdown", Quantity::kDelayBeforeShutdown},
      {"DelayBeforeReboot", Quantity::kDelayBeforeReboot},
      {"APCDelayBeforeReboot", Quantity::kDelayBeforeReboot},
      {"RemainingCapacityLimit", Quantity::kRemainingCapacityLimit},
      {"RemainingTimeLimit", Quantity::kRemainingTimeLimit},
      {"LowVoltageTransfer", Quantity::kLowVoltageTransfer},
      {"HighVoltageTransfer", Quantity::kHighVoltageTransfer},
  };
  if (auto found = kByName.find(last); found != kByName.end()) return found->second;
  if (last == "Test" && parent == "Battery") return Quantity::kTest;
  if (last == "Voltage") {
    if (parent == "Input") return Quantity::kInputVoltage;
    if (parent == "Output") return Quantity::kOutputVoltage;
    if (parent == "Battery" || parent == "PowerSummary") return Quantity::kBatteryVoltage;
  }
  if (last == "ConfigVoltage" && parent == "Input") return Quantity::kConfigVoltage;
  return std::nullopt;
}

// The field's value in `bytes`, reading the raw bits (sign-extended when the field is signed)
// rather than clamping to the logical range: hosts write values past a field's declared
// maximum (NUT writes APCDelayBeforeReboot = 10 into a field declared 0..1).
double raw_value(std::span<const std::uint8_t> bytes, const hid::Field& field) {
  std::uint64_t bits = hid::extract_bits(bytes, field);
  std::int64_t logical = static_cast<std::int64_t>(bits);
  if (field.logical_minimum < 0 && field.bit_size > 0 && field.bit_size < 64 &&
      (bits >> (field.bit_size - 1)) & 1u) {
    logical = static_cast<std::int64_t>(bits | (~std::uint64_t{0} << field.bit_size));
  }
  return hid::logical_to_value(field, logical);
}

std::optional<double> read_first(const std::vector<Binding>& bindings, Quantity quantity,
                                 const ReportLookup& reports) {
  for (const auto& binding : bindings) {
    if (binding.quantity != quantity) continue;
    auto bytes = reports(binding.field.report_id);
    if (!bytes) continue;
    return hid::extract_value(*bytes, binding.field);
  }
  return std::nullopt;
}

double idle_timer_value(const hid::Field& field) { return field.logical_minimum < 0 ? -1 : 0; }

// The value the model gives `quantity`, or nothing for the quantities it only reads.
std::optional<double> model_value(Quantity quantity, const hid::Field& field,
                                  const UpsPhysics& ups, const UpsLimits& limits) {
  auto flag = [](bool value) { return std::optional<double>(value ? 1 : 0); };
  switch (quantity) {
    case Quantity::kACPresent: return flag(line_ok(ups, limits));
    case Quantity::kCharging: return flag(charging(ups, limits));
    case Quantity::kDischarging: return flag(discharging(ups, limits));
    case Quantity::kBelowRemainingCapacityLimit: return flag(low_battery(ups, limits));
    case Quantity::kRemainingTimeLimitExpired:
      return flag(on_battery(ups, limits) && runtime_seconds(ups) < limits.runtime_limit);
    case Quantity::kShutdownImminent: return flag(ups.shutdown_timer.has_value());
    case Quantity::kNeedReplacement: return flag(ups.battery_worn);
    case Quantity::kBatteryPresent: return flag(ups.battery_present);
    case Quantity::kOverload: return flag(overloaded(ups));
    case Quantity::kBoost: return flag(boosting(ups, limits));
    case Quantity::kBuck: return flag(trimming(ups, limits));
    case Quantity::kRemainingCapacity: return std::floor(ups.charge);
    case Quantity::kRunTimeToEmpty: return std::floor(runtime_seconds(ups));
    case Quantity::kPercentLoad: return std::round(ups.output_on ? ups.load : 0);
    case Quantity::kInputVoltage: return std::round(input_voltage(ups));
    case Quantity::kOutputVoltage: return std::round(output_voltage(ups, limits));
    case Quantity::kBatteryVoltage: return battery_voltage(ups, limits);
    case Quantity::kDelayBeforeShutdown:
    case Quantity::kDelayBeforeReboot: {
      const bool reboot = quantity == Quantity::kDelayBeforeReboot;
      if (!ups.shutdown_timer || ups.shutdown_is_reboot != reboot) return idle_timer_value(field);
      return std::max(0.0, std::ceil(*ups.shutdown_timer));
    }
    case Quantity::kTest: return static_cast<double>(ups.test);
    default: return std::nullopt;
  }
}

}  // namespace

Result<ReportBinding> ReportBinding::from_descriptor(std::span<const std::uint8_t> descriptor) {
  auto parsed = hid::parse_report_descriptor(descriptor);
  if (!parsed) return Error{"report descriptor: " + parsed.error()};
  const hid::UsageTable* table = hid::UsageTable::find("apc");
  if (table == nullptr) return Error{"no APC usage table"};
  ReportBinding binding;
  binding.descriptor_ = std::move(*parsed);
  bool has_capacity = false;
  bool has_ac = false;
  for (const auto& field : binding.descriptor_.fields) {
    if (field.type == hid::ReportType::kOutput) continue;
    auto quantity = quantity_of(names_of(*table, field.path));
    if (!quantity) continue;
    has_capacity |= *quantity == Quantity::kRemainingCapacity;
    has_ac |= *quantity == Quantity::kACPresent;
    binding.bindings_.push_back({field, *quantity});
  }
  if (!has_capacity || !has_ac) {
    return Error{"the device has no RemainingCapacity or ACPresent field to simulate"};
  }
  return binding;
}

UpsLimits ReportBinding::read_limits(const ReportLookup& reports) const {
  UpsLimits limits;
  auto read = [&](Quantity quantity, double& into) {
    if (auto value = read_first(bindings_, quantity, reports); value && *value > 0) into = *value;
  };
  read(Quantity::kRemainingCapacityLimit, limits.capacity_limit);
  read(Quantity::kRemainingTimeLimit, limits.runtime_limit);
  read(Quantity::kLowVoltageTransfer, limits.low_transfer);
  read(Quantity::kHighVoltageTransfer, limits.high_transfer);
  read(Quantity::kConfigVoltage, limits.nominal_voltage);
  return limits;
}

void ReportBinding::calibrate(UpsPhysics& ups, const ReportLookup& reports) const {
  if (auto load = read_first(bindings_, Quantity::kPercentLoad, reports); load && *load > 0) {
    ups.load = *load;
    ups.reference_load = *load;
  }
  auto charge = read_first(bindings_, Quantity::kRemainingCapacity, reports);
  if (charge && *charge > 0) ups.charge = std::min(*charge, 100.0);
  auto runtime = read_first(bindings_, Quantity::kRunTimeToEmpty, reports);
  if (runtime && *runtime > 0) ups.full_runtime = *runtime * 100.0 / ups.charge;
  auto volts = read_first(bindings_, Quantity::kInputVoltage, reports);
  if (volts && *volts > 0) {
    ups.utility_voltage = *volts;
    return;
  }
  // No line reading in the capture (a user's device may report 0 V): start on a good line, the
  // device's nominal voltage if its transfer points allow it, else midway between them (a
  // 120 V model with transfer points 78-136 V would otherwise start on battery at 230 V).
  const UpsLimits limits = read_limits(reports);
  if (limits.low_transfer >= limits.high_transfer) return;
  auto good = [&limits](double v) { return v >= limits.low_transfer && v <= limits.high_transfer; };
  if (good(limits.nominal_voltage)) {
    ups.utility_voltage = limits.nominal_voltage;
  } else if (!good(ups.utility_voltage)) {
    ups.utility_voltage = std::round((limits.low_transfer + limits.high_transfer) / 2);
  }
}

std::map<std::uint8_t, ReportBytes> ReportBinding::render(const UpsPhysics& ups,
                                                          const UpsLimits& limits,
                                                          const ReportLookup& reports) const {
  std::map<std::uint8_t, ReportBytes> out;
  for (const auto& binding : bindings_) {
    auto value = model_value(binding.quantity, binding.field, ups, limits);
    if (!value) continue;
    const std::uint8_t id = binding.field.report_id;
    auto slot = out.find(id);
    if (slot == out.end()) {
      ReportBytes bytes = reports(id).value_or(ReportBytes{});
      bytes.resize(std::max(bytes.size(), descriptor_.buffer_size(id)), 0);
      bytes[0] = id;
      slot = out.emplace(id, std::move(bytes)).first;
    }
    const auto logical = hid::value_to_logical(binding.field, *value);
    (void)hid::insert_logical(slot->second, binding.field, logical);
  }
  return out;
}

void ReportBinding::apply_host_write(std::uint8_t id, std::span<const std::uint8_t> bytes,
                                     UpsPhysics& ups) const {
  for (const auto& binding : bindings_) {
    if (binding.field.report_id != id || binding.field.type != hid::ReportType::kFeature) continue;
    const double value = raw_value(bytes, binding.field);
    switch (binding.quantity) {
      case Quantity::kDelayBeforeShutdown:
        start_shutdown(ups, value, false);
        break;
      case Quantity::kDelayBeforeReboot:
        if (value > 0) {
          start_shutdown(ups, value, true);
        } else if (ups.shutdown_is_reboot) {
          cancel_shutdown(ups);
        }
        break;
      case Quantity::kTest:
        request_self_test(ups, static_cast<int>(value));
        break;
      default:
        break;
    }
  }
}

}  // namespace walnut::usbhid::sim
