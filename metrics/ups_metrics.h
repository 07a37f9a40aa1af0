// The per-UPS metrics of issue 7 (ups_*): NUT variables of each UPS in, metric families out.
// Pure; shared by upsd's /metrics endpoint and the textfile exporter so both say the same.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/exposition.h"

namespace walnut::metrics {

// One UPS as a server sees it at one moment.
struct UpsSnapshot {
  std::string name;  // the UPS name clients use (label ups="<name>")
  // True when the variables are current: a driver is connected and its data is not stale.
  // A UPS whose ups.status is still WAIT (no dump from the driver yet) counts as not fresh.
  bool fresh = false;
  std::map<std::string, std::string> variables;  // NUT name → value, as served by LIST VAR
  // The server answered for this UPS that it has no current data: its driver is not
  // connected or the data is stale (ERR DRIVER-NOT-CONNECTED / DATA-STALE). False when fresh
  // and when the server could not be asked at all, which is a failed scrape instead.
  bool data_stale = false;
};

// The NUT status flags that get one ups_status_info series each, present or not.
std::span<const std::string_view> known_status_flags();

// A NUT value as a number when the whole value (surrounding blanks aside) is a plain decimal
// number ("230.0", "-1", "1e3"); hex, inf/nan, "051d" style ids and text give nothing.
std::optional<double> parse_number(std::string_view value);

// The metric name of a numeric NUT variable: dots become underscores under the "ups_" prefix,
// and a variable already in the ups.* tree does not repeat it ("battery.charge" →
// "ups_battery_charge", "ups.load" → "ups_load"); other bytes not allowed become '_'.
std::string metric_name_for_variable(std::string_view variable);

// False for variables whose values may look numeric but are identifiers or text (USB ids,
// serial numbers, firmware and driver versions, dates, USB bus/device numbers).
bool is_exported_variable(std::string_view variable);

// All ups_* families for these UPSes, in a fixed order: ups_scrape_success, ups_data_stale,
// ups_device_info, the status metrics, then one family per numeric variable, sorted by name.
// A UPS that is not fresh contributes only ups_scrape_success 0 (and ups_data_stale 1 when
// the server said why), so no stale number is ever exported.
std::vector<MetricFamily> ups_metric_families(const std::vector<UpsSnapshot>& upses);

}  // namespace walnut::metrics
