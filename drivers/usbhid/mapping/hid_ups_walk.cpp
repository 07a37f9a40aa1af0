// The walk of the device model: NUT 2.8.0's report cache (libhid.c reportbuf_t), hid_ups_walk,
// interrupt routing (HIDGetEvents), upsdrv_initinfo's tail and upsdrv_updateinfo's status and
// alarm commit (usbhid-ups.c), with the mapping's rows in place of hid_info_t.
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <set>

#include "common/log.h"
#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/hid_ups_impl.h"

namespace walnut::mapping {
namespace {

constexpr std::size_t kMaxEvents = 32;  // NUT's MAX_EVENT_NUM

std::optional<std::string> value_of(const UpsState& state, std::string_view name) {
  const std::string* value = state.value(name);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

// NUT's "%ld" of strtol(val, NULL, 10).
std::string as_long_text(const std::string& text) {
  return std::to_string(std::strtol(text.c_str(), nullptr, 10));
}

// The init walk's handling of one row before it is read: whether to read it at all.
bool claim_row_at_init(HidUps::Impl& m, std::size_t i, UpsState& state) {
  const Entry& entry = m.mapping.entries[i];
  if (m.resolved[i] == nullptr) return false;
  m.active[i] = m.resolved[i];
  if (entry.hid_flags & kHidAbsent) {
    // A driver-side variable: its default, unless already set (default.*/override.*).
    if (state.find(entry.name) != nullptr) return false;
    state.set_info(entry.name, entry.format);
    state.set_flags(entry.name, entry.info_flags);
    if (entry.info_flags & kFlagString) state.set_aux(entry.name, entry.info_length);
    return false;
  }
  // Several rows may feed ups.alarm; for anything else the first row that set it wins.
  if (strncmp(entry.name.c_str(), "ups.alarm", 9) == 0) return true;
  if (state.find(entry.name) == nullptr) return true;
  m.active[i] = nullptr;
  return false;
}

void publish_flags(HidUps::Impl& m, std::size_t i, UpsState& state) {
  const Entry& entry = m.mapping.entries[i];
  state.set_flags(entry.name, entry.info_flags);
  if (entry.info_flags & kFlagString) state.set_aux(entry.name, entry.info_length);
  if (!(entry.hid_flags & kHidEnum) || !(entry.info_flags & kFlagRw)) return;
  if (const Lookup* lookup = m.mapping.lookup_of(entry)) {
    // NUT offers a table value only if the lookup maps its own HID value back to something.
    ConverterContext context = m.context(state);
    for (const LookupEntry& value : lookup->entries) {
      if (lookup_to_nut(*lookup, static_cast<double>(value.hid_value), context)) {
        state.add_enum(entry.name, value.nut_value);
      }
    }
  }
}

void add_command(HidUps::Impl& m, std::string_view name, UpsState& state) {
  state.add_cmd(name);
  for (const std::string& known : m.commands) {
    if (strcasecmp(known.c_str(), std::string(name).c_str()) == 0) return;
  }
  m.commands.emplace_back(name);
}

// Whether a walk in `mode` reads row i (the switch at the top of NUT's walk loop).
bool walk_reads(const HidUps::Impl& m, std::size_t i, WalkMode mode) {
  const unsigned flags = m.mapping.entries[i].hid_flags;
  if (m.active[i] == nullptr) return false;
  if (mode == WalkMode::kQuick) return (flags & kHidQuickPoll) != 0;
  if (flags & (kHidAbsent | kHidCommand | kHidStatic)) return false;
  return !(flags & kHidSemiStatic) || m.data_has_changed;
}

// Whether an interrupt report updates this Feature item: on_interrupt() routes an Input item
// to the Feature item of the same path (the first one, as NUT's lookup does).
bool interrupt_fed(const HidUps::Impl& m, const hid::Field& field) {
  return m.descriptor.find(field.path, hid::ReportType::kInput) != nullptr &&
         m.descriptor.find(field.path, hid::ReportType::kFeature) == &field;
}

// One row read and published; false when it could not be read.
bool read_row(HidUps::Impl& m, std::size_t i, WalkMode mode, UpsState& state) {
  const hid::Field& field = *m.active[i];
  if (m.skip_report_0x54 && field.report_id == 0x54) return false;
  std::optional<double> value = m.read(field);
  if (!value) return false;
  const Entry& entry = m.mapping.entries[i];
  if (entry.hid_flags & kHidCommand) {
    add_command(m, entry.name, state);
    return true;
  }
  if (m.set_value(i, *value, state) == 1 && mode == WalkMode::kInit) publish_flags(m, i, state);
  return true;
}

// The Feature item at `path`, nullptr if the device has none.
const hid::Field* feature_field(const HidUps::Impl& m, std::string_view path) {
  auto parsed = m.usage_table->string_to_path(std::string(path));
  return parsed.ok() ? m.descriptor.find(*parsed, hid::ReportType::kFeature) : nullptr;
}

// The cached value of the Feature item at `path`, nullopt if absent or unreadable.
std::optional<double> feature_value(const HidUps::Impl& m, std::string_view path) {
  const hid::Field* field = feature_field(m, path);
  return field ? m.read(*field) : std::nullopt;
}

// The report row i's converter reads besides the row's item (0: none).
std::uint8_t own_report(const HidUps::Impl& m, std::size_t i) {
  const Lookup* lookup = m.mapping.lookup_of(m.mapping.entries[i]);
  return lookup != nullptr && lookup->converter != nullptr ? lookup->converter->own_report : 0;
}

// The items mge_format_model reads besides the table's rows (NUT reads them at match time).
constexpr std::string_view kMgeModelPaths[] = {"UPS.PowerSummary.iModel", "UPS.Flow.[4].ConfigApparentPower"};
constexpr std::string_view kSerialItem = "serial_or_item:";

// The items the identity reads at init besides the table's rows.
std::vector<std::string_view> identity_items(const HidUps::Impl& m) {
  std::vector<std::string_view> paths;
  if (m.mapping.model_format == "mge_product") paths.assign(std::begin(kMgeModelPaths), std::end(kMgeModelPaths));
  if (m.mapping.serial_format.rfind(kSerialItem, 0) == 0 && !m.identity.serial) {
    paths.push_back(std::string_view(m.mapping.serial_format).substr(kSerialItem.size()));
  }
  return paths;
}

// NUT 2.8.5's buzzmode_commit after ups_status_set (usbhid-ups.c:1517-1543, 2966-2976): the
// words the walk's conversions added, then the status bits' ECO/ESS, in
// experimental.ups.mode.buzzwords; deleted when there are none.
void publish_buzzwords(HidUps::Impl& m, UpsState& state) {
  std::vector<std::string>& words = m.buzzwords;
  auto add = [&words](const char* word) {
    if (std::find(words.begin(), words.end(), word) == words.end()) words.emplace_back(word);
  };
  if (m.bits.test(kEcoMode)) add("vendor:default:ECO");
  if (m.bits.test(kEssMode)) add("vendor:default:ESS");
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
  if (text.empty()) state.del_info("experimental.ups.mode.buzzwords");
  else state.set_info("experimental.ups.mode.buzzwords", text);
}

// belkin_format_serial (belkin-hid.c:619): without an iSerialNumber, the USB string the item of
// `serial_or_item:` indexes (NUT's 64-byte buffer); nothing when that is empty. NUT reads it at
// match time; here at the start of the init walk.
void publish_item_serial(HidUps::Impl& m, UpsState& state) {
  if (m.mapping.serial_format.rfind(kSerialItem, 0) != 0 || m.identity.serial) return;
  auto index = feature_value(m, std::string_view(m.mapping.serial_format).substr(kSerialItem.size()));
  if (!index || *index <= 0 || *index >= 256 || !m.strings) return;
  const std::string serial = m.strings(static_cast<int>(*index)).value_or("");
  if (!serial.empty()) state.set_info("ups.serial", serial.substr(0, 63));
}

// mge_format_model (mge-hid.c:2440): "<product> <iModel>", iModel falling back to the nominal
// VA (ConfigApparentPower, as an int); get_model_name (mge-hid.c:2371) then looks the pair up in
// the mapping's model_names, whose first match sets the model series (NUT's mge_type, read by
// the converters) and may fix the name. NUT does this at match time, before the init walk,
// reading both items live; here it runs at the start of the init walk from its reports.
void publish_mge_model(HidUps::Impl& m, UpsState& state) {
  if (m.identity.vendor_id == 0x047c) return;  // Dell: iProduct is already the full name
  std::string product = m.identity.product.value_or("unknown");
  std::string model;
  if (auto index = feature_value(m, kMgeModelPaths[0]); index && *index > 0 && *index < 256 && m.strings) {
    model = m.strings(static_cast<int>(*index)).value_or("");
  }
  if (model.empty()) {
    if (auto va = feature_value(m, kMgeModelPaths[1])) model = std::to_string(static_cast<int>(*va));
  }
  if (model.empty()) return;
  std::string name;
  for (const Mapping::ModelName& known : m.mapping.model_names) {
    if (known.product != product || known.model != model) continue;
    m.mge.type = known.type;
    name = known.name;
    break;
  }
  if (name.empty()) name = product + " " + model;
  state.set_info("ups.model", name.substr(0, 511));
}

// delta_ups_format_model (delta_ups-hid.c:276): the string UPS.DeltaCustom.[1].DeltaModelName
// indexes, else the USB product string (already published).
void publish_delta_model(const HidUps::Impl& m, UpsState& state) {
  auto index = feature_value(m, "UPS.DeltaCustom.[1].DeltaModelName");
  if (!index || *index <= 0 || *index >= 256 || !m.strings) return;
  std::string model = m.strings(static_cast<int>(*index)).value_or("");
  if (!model.empty()) state.set_info("ups.model", model.substr(0, 255));
}

}  // namespace

std::optional<double> HidUps::Impl::read(const hid::Field& field) const {
  auto report = reports.find(field.report_id);
  if (report == reports.end() || !report->second.readable) return std::nullopt;
  return hid::extract_value(report->second.bytes, field);
}

ConverterContext HidUps::Impl::context(const UpsState& state) {
  ConverterContext c;
  c.strings = &strings;
  c.state = &state;
  c.battery_scale = &battery_scale;
  c.cps_frequency = &cps_frequency;
  c.scales = &scales;
  c.mge = &mge;
  c.liebert = &liebert;
  c.report_bytes = &report_bytes;
  c.ever = &ever;
  c.status = &bits;
  c.options = &options;
  c.powercom = &powercom;
  return c;
}

int HidUps::Impl::set_value(std::size_t row, double value, UpsState& state) {
  const Entry& entry = mapping.entries[row];
  if (const Lookup* lookup = mapping.lookup_of(entry)) {
    ConverterContext c = context(state);
    c.side_state = &state;
    c.buzzwords = &buzzwords;
    std::optional<std::string> text = lookup_to_nut(*lookup, value, c);
    if (!text) {
      log::debug(5, "Lookup [{}] failed for [{}]", value, entry.name);
      return -1;
    }
    if (entry.kind == EntryKind::kStatus) {
      bits.apply(*text);
      return 0;
    }
    if (entry.kind == EntryKind::kAlarm) {
      alarms.push_back(*text);
      return 0;
    }
    state.set_info(entry.name, *text);
    return 1;
  }
  if (is_numeric_format(entry.format)) {
    state.set_info(entry.name, format_number(entry.format, value));
  } else if (entry.format.find('%') == std::string::npos) {
    // A command row reached through an interrupt: NUT prints its value "format" as is.
    state.set_info(entry.name, entry.format);
  } else {
    return -1;
  }
  return 1;
}

std::vector<std::uint8_t> HidUps::reports_for_walk(WalkMode mode, bool skip_interrupt_fed) const {
  const Impl& m = *impl_;
  std::set<std::uint8_t> ids;
  std::set<std::uint8_t> polled;  // reports with a quick item the interrupt pipe does not carry
  for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
    const unsigned flags = m.mapping.entries[i].hid_flags;
    const hid::Field* field = mode == WalkMode::kInit ? m.resolved[i] : m.active[i];
    if (field == nullptr || (flags & kHidAbsent)) continue;
    if (mode == WalkMode::kQuick && !(flags & kHidQuickPoll)) continue;
    if (mode == WalkMode::kFull) {
      if (flags & (kHidCommand | kHidStatic)) continue;
      if ((flags & kHidSemiStatic) && !m.data_has_changed) continue;
    }
    if (m.skip_report_0x54 && field->report_id == 0x54) continue;
    // A converter's own report is a GET even with interruptonly (NUT's PowerCOM hack does its
    // own control transfer whatever the pipe); the rows' items come from the interrupt pipe then.
    if (std::uint8_t own = own_report(m, i)) {
      ids.insert(own);
      if (mode == WalkMode::kQuick) polled.insert(own);
    }
    if (m.options.interruptonly) continue;
    ids.insert(field->report_id);
    if (mode == WalkMode::kQuick && !(skip_interrupt_fed && interrupt_fed(m, *field))) {
      polled.insert(field->report_id);
    }
  }
  if (mode == WalkMode::kInit && !m.options.interruptonly) {
    for (std::string_view path : identity_items(m)) {
      if (const hid::Field* field = feature_field(m, path)) ids.insert(field->report_id);
    }
  }
  if (mode == WalkMode::kQuick) return {polled.begin(), polled.end()};
  return {ids.begin(), ids.end()};
}

std::size_t HidUps::report_length(std::uint8_t report_id) const {
  // The cache holds the descriptor's reports at their length, and a converter's own report
  // (PowerCOM's 0xa4) at the length it reads.
  auto found = impl_->reports.find(report_id);
  return found != impl_->reports.end() ? found->second.bytes.size() : impl_->descriptor.buffer_size(report_id);
}

std::size_t HidUps::request_length(std::uint8_t report_id) const {
  // NUT's rbuf->data[id] is an `unsigned char *`: sizeof gives the pointer's size.
  if (impl_->options.max_report_size) return sizeof(unsigned char*);
  return report_length(report_id);
}

void HidUps::on_report(std::uint8_t report_id, std::span<const std::uint8_t> bytes) {
  auto found = impl_->reports.find(report_id);
  if (found == impl_->reports.end()) return;
  ReportBuffer& buffer = found->second;
  std::copy_n(bytes.begin(), std::min(bytes.size(), buffer.bytes.size()), buffer.bytes.begin());
  buffer.readable = !bytes.empty();
}

void HidUps::on_report_failed(std::uint8_t report_id) {
  auto found = impl_->reports.find(report_id);
  if (found != impl_->reports.end()) found->second.readable = false;
}

void HidUps::on_interrupt(std::span<const std::uint8_t> bytes, UpsState& state) {
  Impl& m = *impl_;
  if (bytes.empty()) return;
  const std::uint8_t id = bytes[0];
  if (m.reports.find(id) == m.reports.end()) {
    log::debug(1, "HIDGetEvents: unexpected input report (ignored)");
    return;
  }
  on_report(id, bytes);
  std::size_t events = 0;
  for (const hid::Field& event : m.descriptor.fields) {
    if (event.report_id != id || event.type != hid::ReportType::kInput) continue;
    if (events++ >= kMaxEvents) break;
    std::optional<double> value = m.read(event);
    if (!value) continue;
    // The row that reads this usage: mapped on the Feature item (or the Input one when the
    // device has no Feature twin, or with interruptonly).
    const hid::Field* found =
        m.descriptor.find(event.path, m.options.interruptonly ? hid::ReportType::kInput : hid::ReportType::kFeature);
    if (found == nullptr && !m.options.interruptonly) found = m.descriptor.find(event.path, hid::ReportType::kInput);
    if (found == nullptr) continue;
    for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
      if ((m.mapping.entries[i].hid_flags & kHidAbsent) || m.active[i] != found) continue;
      m.set_value(i, *value, state);
      break;
    }
  }
}

Status HidUps::init(UpsState& state) {
  Impl& m = *impl_;
  if (m.initialized) {
    // Reconnected: the rows chosen at the first init are read again, driver-side ones too
    // (NUT keeps hiddata, and prints an absent row's default as its "format").
    for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
      if (m.active[i] != nullptr) read_row(m, i, WalkMode::kInit, state);
    }
    return Ok{};
  }
  m.initialized = true;
  if (m.mapping.model_format == "mge_product") publish_mge_model(m, state);
  publish_item_serial(m, state);
  for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
    if (claim_row_at_init(m, i, state)) read_row(m, i, WalkMode::kInit, state);
  }
  if (state.find("battery.charge.low") && m.options.lowbatt) {
    state.set_info("battery.charge.low", as_long_text(*m.options.lowbatt));
  }
  if (state.find("ups.delay.start") && m.options.ondelay) {
    state.set_info("ups.delay.start", as_long_text(*m.options.ondelay));
  }
  if (state.find("ups.delay.shutdown") && m.options.offdelay) {
    state.set_info("ups.delay.shutdown", as_long_text(*m.options.offdelay));
  }
  const bool off_delay = m.find_row("load.off.delay") >= 0;
  const bool on_delay = m.find_row("load.on.delay") >= 0;
  if (off_delay) add_command(m, "load.off", state);
  if (on_delay) add_command(m, "load.on", state);
  if (off_delay && on_delay) {
    add_command(m, "shutdown.return", state);
    add_command(m, "shutdown.stayoff", state);
  }
  if (m.mapping.model_format == "delta_product") publish_delta_model(m, state);
  state.set_info("driver.version.data", m.mapping.version);
  return Ok{};
}

void HidUps::walk(WalkMode mode, UpsState& state) {
  Impl& m = *impl_;
  if (mode == WalkMode::kInit) {
    (void)init(state);
    return;
  }
  const bool full = mode == WalkMode::kFull;
  if (full) m.alarms.clear();
  m.buzzwords.clear();  // buzzmode_init
  for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
    if (walk_reads(m, i, mode)) read_row(m, i, mode, state);
  }
  publish_buzzwords(m, state);
  if (full) {
    m.data_has_changed = false;
    for (std::string& alarm : status_alarms(m.bits)) m.alarms.push_back(std::move(alarm));
    std::string text;
    for (const std::string& alarm : m.alarms) text += (text.empty() ? "" : " ") + alarm;
    if (!text.empty()) {
      state.set_info("ups.alarm", text);
      m.alarm_active = true;
    } else {
      state.del_info("ups.alarm");
      m.alarm_active = false;
    }
    m.alarms.clear();
  }
  commit_status(state);
}

void HidUps::commit_status(UpsState& state) {
  Impl& m = *impl_;
  if (std::optional<std::string> reason = transfer_reason(m.bits)) {
    state.set_info("input.transfer.reason", *reason);
  } else {
    state.del_info("input.transfer.reason");
  }
  StatusOptions options;
  options.onlinedischarge = m.options.onlinedischarge;
  options.onlinedischarge_calibration = m.options.onlinedischarge_calibration;
  options.lbrb_delay_sec = m.options.lbrb_log_delay_sec;
  options.lbrb_delay_without_calibrating = m.options.lbrb_log_delay_without_calibrating;
  options.ignorelb = state.find("driver.flag.ignorelb") != nullptr;
  BatteryLevels levels{value_of(state, "battery.charge"), value_of(state, "battery.charge.low"),
                       value_of(state, "battery.runtime"), value_of(state, "battery.runtime.low")};
  bool warn = false;
  const auto now = std::chrono::steady_clock::now();
  state.set_info("ups.status", compose_status(m.bits, options, levels, m.alarm_active, &warn,
                                              &m.debounce, now));
  if (!m.discharge_log) {
    m.discharge_log.emplace();
    m.discharge_log->throttle_sec = m.options.onlinedischarge_log_throttle_sec;
    m.discharge_log->hovercharge = m.options.onlinedischarge_log_throttle_hovercharge;
  }
  if (log_online_discharge(*m.discharge_log, warn, m.bits.test(kDischarging), levels.charge, now)) {
    log::warning("ups_status_set: seems that UPS is in OL+DISCHRG state now. Is it calibrating or do you "
                 "perhaps want to set 'onlinedischarge' option? Some UPS models (e.g. CyberPower UT series) "
                 "emit OL+DISCHRG when offline.");
  }
}

bool HidUps::full_walk_requested() const { return impl_->data_has_changed; }

}  // namespace walnut::mapping
