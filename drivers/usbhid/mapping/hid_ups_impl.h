// Private to the device model (hid_ups_*.cpp): its state, grouped by the concept that owns it,
// and the steps the concepts share (NUT's find_nut_info, ups_infoval_set, HIDSetDataValue).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/hid/usage_table.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/status.h"

namespace walnut::mapping {

// One cached report, as NUT's reportbuf_t keeps it: the bytes last read (or written), zeros
// before the first read, and whether the last GET of it worked.
struct ReportBuffer {
  std::vector<std::uint8_t> bytes;
  bool readable = false;
};

struct HidUps::Impl {
  // Claim and identity (hid_ups_claim.cpp): fixed once create() returns.
  Mapping mapping;
  hid::ReportDescriptor descriptor;  // private copy, descriptor fix applied
  const hid::UsageTable* usage_table = nullptr;
  DeviceIdentity identity;
  ModelOptions options;
  StringLookup strings;
  // Per mapping entry: the field its path names on this device (nullptr: absent).
  std::vector<const hid::Field*> resolved;
  bool skip_report_0x54 = false;    // Tripp Lite 09ae:1330 firmware bug (NUT's walk hack)

  // Converter state, set up by the claim's hook and carried across walks.
  BatteryScale battery_scale;
  CpsFrequencyScale cps_frequency;
  DeviceScales scales;
  MgeState mge;
  LiebertScales liebert;
  EverState ever;
  PowercomState powercom;
  ReportBytes report_bytes;  // the cached reports, for converters (set by create())

  // The walk (hid_ups_walk.cpp).
  // Per mapping entry: NUT's hiddata after the init walk (nullptr: row dropped as a duplicate
  // or absent).
  std::vector<const hid::Field*> active;
  std::map<std::uint8_t, ReportBuffer> reports;
  StatusBits bits;
  LbRbDebounce debounce;  // lbrb_log_delay_sec's memory
  std::optional<OnlineDischargeLog> discharge_log;  // the OL+DISCHRG hint's throttle
  bool initialized = false;         // init() ran once; later calls are reconnects
  bool alarm_active = false;
  std::vector<std::string> alarms;  // NUT's alarm_buf during a full walk
  std::vector<std::string> buzzwords;  // NUT 2.8.5's buzzmode_buf during a walk

  // Commands (hid_ups_commands.cpp), and what they tell the walk.
  std::vector<std::string> commands;
  bool data_has_changed = false;

  // NUT's find_nut_info: the first active row named `name` (case-insensitive), or -1.
  int find_row(std::string_view name) const;
  // NUT's HIDGetDataValue on a cached report: nullopt if the report is not readable.
  std::optional<double> read(const hid::Field& field) const;
  // NUT's ups_infoval_set: -1 lookup failed, 0 status/alarm, 1 variable set.
  int set_value(std::size_t row, double value, UpsState& state);
  // NUT's HIDSetDataValue up to the USB write: the field set in the cached report, and the
  // SET_REPORT bytes; nullopt for a constant field or one that does not fit.
  std::optional<ReportWrite> write(const hid::Field& field, double value);
  ConverterContext context(const UpsState& state);
};

}  // namespace walnut::mapping
