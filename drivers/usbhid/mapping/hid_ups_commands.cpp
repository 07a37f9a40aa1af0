// instcmd and setvar of the device model: NUT 2.8.0's instcmd()/setvar() turned into plans of
// SET_REPORT writes that the driver sends (usbhid-ups.c, libhid.c HIDSetDataValue).
#include <strings.h>

#include <cmath>
#include <cstdlib>

#include "common/log.h"
#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/hid_ups_impl.h"

namespace walnut::mapping {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> state_value(const UpsState& state, std::string_view name) {
  const std::string* value = state.value(name);
  return value ? std::optional<std::string_view>(*value) : std::nullopt;
}

// The HID value for a NUT text: through the row's lookup, else C's atol.
double to_hid_value(const Mapping& mapping, const Entry& entry, std::string_view text, const ConverterContext& context) {
  if (const Lookup* lookup = mapping.lookup_of(entry)) return lookup_to_hid(*lookup, text, context);
  return static_cast<double>(std::atol(std::string(text).c_str()));
}

// Appends `next` to `plan` (both already kHandled) after NUT's 125 ms pause.
void append_after_pause(CommandPlan& plan, CommandPlan next) {
  for (std::size_t i = 0; i < next.writes.size(); ++i) {
    if (i == 0) next.writes[i].delay_before = std::chrono::milliseconds(125);
    plan.writes.push_back(std::move(next.writes[i]));
  }
}

}  // namespace

std::optional<ReportWrite> HidUps::Impl::write(const hid::Field& field, double value) {
  ReportBuffer& report = reports[field.report_id];
  std::size_t size = descriptor.buffer_size(field.report_id);
  if (report.bytes.size() < size) report.bytes.resize(size, 0);
  if (!hid::insert_value(report.bytes, field, value).ok()) return std::nullopt;
  return ReportWrite{field.report_id, report.bytes, std::chrono::milliseconds(0), false};
}

std::vector<std::string> HidUps::commands() const { return impl_->commands; }

void HidUps::writes_done(bool wrote) {
  if (wrote) impl_->data_has_changed = true;
}

CommandPlan HidUps::instcmd(std::string_view name, std::optional<std::string_view> value, UpsState& state) {
  Impl& m = *impl_;
  if (iequals(name, "beeper.off")) {
    log::warning("The 'beeper.off' command has been renamed to 'beeper.disable'");
    return instcmd("beeper.disable", std::nullopt, state);
  }
  if (iequals(name, "beeper.on")) {
    log::warning("The 'beeper.on' command has been renamed to 'beeper.enable'");
    return instcmd("beeper.enable", std::nullopt, state);
  }
  const int row = m.find_row(name);
  if (row < 0) {
    if (iequals(name, "load.on")) return instcmd("load.on.delay", "0", state);
    if (iequals(name, "load.off")) return instcmd("load.off.delay", "0", state);
    const bool stay_off = iequals(name, "shutdown.stayoff");
    if (!stay_off && !iequals(name, "shutdown.return")) return {CommandStatus::kInvalid, {}, CommandStatus::kFailed};
    CommandPlan plan{CommandStatus::kHandled, {}, CommandStatus::kFailed};
    if (state.find("ups.start.auto") != nullptr) {
      CommandPlan start = setvar("ups.start.auto", stay_off ? "no" : "yes", state);
      for (ReportWrite& write : start.writes) write.ignore_failure = true, plan.writes.push_back(std::move(write));
    }
    std::optional<std::string> on_delay;
    if (stay_off) on_delay = "-1";
    else if (auto start = state_value(state, "ups.delay.start")) on_delay = std::string(*start);
    CommandPlan on = instcmd("load.on.delay", on_delay, state);
    if (on.status != CommandStatus::kHandled) return on;
    for (ReportWrite& write : on.writes) plan.writes.push_back(std::move(write));
    std::optional<std::string> off_delay;
    if (auto shutdown = state_value(state, "ups.delay.shutdown")) off_delay = std::string(*shutdown);
    CommandPlan off = instcmd("load.off.delay", off_delay, state);
    if (off.status != CommandStatus::kHandled) {
      // NUT has sent load.on.delay already when this one turns out impossible.
      plan.status = off.status;
      return plan;
    }
    append_after_pause(plan, std::move(off));
    return plan;
  }
  const Entry& entry = m.mapping.entries[static_cast<std::size_t>(row)];
  if (!(entry.hid_flags & kHidCommand)) return {CommandStatus::kInvalid, {}, CommandStatus::kFailed};
  std::string text = value ? std::string(*value) : entry.format;
  ConverterContext context = m.context(state);
  context.side_state = &state;
  std::vector<std::pair<std::string, std::string>> nested;
  context.setvars = &nested;
  const double hid_value = to_hid_value(m.mapping, entry, text, context);
  if (std::isnan(hid_value)) return {CommandStatus::kConversionFailed, {}, CommandStatus::kFailed};
  // The SETs the conversion asked for go first; NUT does not look at their results.
  CommandPlan plan{CommandStatus::kHandled, {}, CommandStatus::kFailed};
  for (const auto& [variable, setting] : nested) {
    CommandPlan set = setvar(variable, setting, state);
    for (ReportWrite& write : set.writes) write.ignore_failure = true, plan.writes.push_back(std::move(write));
  }
  std::optional<ReportWrite> write = m.write(*m.active[static_cast<std::size_t>(row)], hid_value);
  if (!write) return {CommandStatus::kFailed, std::move(plan.writes), CommandStatus::kFailed};
  plan.writes.push_back(std::move(*write));
  return plan;
}

CommandPlan HidUps::setvar(std::string_view name, std::string_view value, UpsState& state) {
  Impl& m = *impl_;
  const int row = m.find_row(name);
  if (row < 0) return {CommandStatus::kUnknown, {}, CommandStatus::kUnknown};
  const Entry& entry = m.mapping.entries[static_cast<std::size_t>(row)];
  if (!(entry.info_flags & kFlagRw)) return {CommandStatus::kUnknown, {}, CommandStatus::kUnknown};
  if (entry.hid_flags & kHidAbsent) {
    state.set_info(entry.name, value);
    return {CommandStatus::kHandled, {}, CommandStatus::kUnknown};
  }
  const double hid_value = to_hid_value(m.mapping, entry, value, m.context(state));
  if (std::isnan(hid_value)) return {CommandStatus::kConversionFailed, {}, CommandStatus::kUnknown};
  std::optional<ReportWrite> write = m.write(*m.active[static_cast<std::size_t>(row)], hid_value);
  if (!write) return {CommandStatus::kUnknown, {}, CommandStatus::kUnknown};
  return {CommandStatus::kHandled, {std::move(*write)}, CommandStatus::kUnknown};
}

}  // namespace walnut::mapping
