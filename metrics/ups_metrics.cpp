#include "metrics/ups_metrics.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "metrics/variable_descriptions.h"

namespace walnut::metrics {
namespace {

constexpr std::array<std::string_view, 17> kStatusFlags = {
    "OL",  "OB",  "LB",   "HB",   "RB",    "CHRG", "DISCHRG", "BYPASS", "CAL",
    "OFF", "OVER", "TRIM", "BOOST", "FSD", "ALARM", "COMM",   "NOCOMM"};

// The status flags with a 1/0 metric of their own, by the names users' alert rules use.
struct StatusMetric {
  std::string_view name;
  std::string_view flag;
  std::string_view help;
};
constexpr std::array<StatusMetric, 4> kStatusMetrics = {{
    {"ups_status_online", "OL", "1 when ups.status has OL (on line power), else 0"},
    {"ups_status_on_battery", "OB", "1 when ups.status has OB (on battery), else 0"},
    {"ups_status_low_battery", "LB", "1 when ups.status has LB (low battery), else 0"},
    {"ups_status_replace_battery", "RB", "1 when ups.status has RB (replace battery), else 0"},
}};

constexpr std::string_view kScrapeSuccess = "ups_scrape_success";
constexpr std::string_view kDataStale = "ups_data_stale";
constexpr std::string_view kDeviceInfo = "ups_device_info";
constexpr std::string_view kStatusInfo = "ups_status_info";

// ups_device_info's labels and the NUT variables they come from, the first present winning
// (NUT 2.8 publishes device.* beside the older ups.* names; drivers may have either).
struct InfoLabel {
  std::string_view label;
  std::array<std::string_view, 2> variables;
};
constexpr std::array<InfoLabel, 5> kInfoLabels = {{
    {"mfr", {"device.mfr", "ups.mfr"}},
    {"model", {"device.model", "ups.model"}},
    {"firmware", {"ups.firmware", ""}},
    {"serial", {"device.serial", "ups.serial"}},
    {"driver", {"driver.name", ""}},
}};

bool is_reserved_name(std::string_view name) {
  if (name == kScrapeSuccess || name == kDataStale || name == kDeviceInfo || name == kStatusInfo) {
    return true;
  }
  return std::any_of(kStatusMetrics.begin(), kStatusMetrics.end(),
                     [&](const StatusMetric& m) { return m.name == name; });
}

std::vector<std::string_view> split_components(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::set<std::string_view> status_words(const UpsSnapshot& ups) {
  std::set<std::string_view> words;
  const auto found = ups.variables.find("ups.status");
  if (found == ups.variables.end()) return words;
  std::string_view status = found->second;
  while (!status.empty()) {
    const std::size_t start = status.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    status.remove_prefix(start);
    const std::size_t end = std::min(status.find_first_of(" \t"), status.size());
    words.insert(status.substr(0, end));
    status.remove_prefix(end);
  }
  return words;
}

bool is_fresh(const UpsSnapshot& ups) {
  if (!ups.fresh) return false;
  const auto status = ups.variables.find("ups.status");
  return status == ups.variables.end() || status->second != "WAIT";
}

Label ups_label(const UpsSnapshot& ups) { return {"ups", ups.name}; }

std::string first_present(const UpsSnapshot& ups, const std::array<std::string_view, 2>& names) {
  for (std::string_view name : names) {
    if (name.empty()) continue;
    const auto found = ups.variables.find(std::string(name));
    if (found != ups.variables.end()) return found->second;
  }
  return "";
}

// The usual info-metric pattern: value 1, what the UPS is in the labels, so dashboards can
// show it and queries can join on it.
MetricFamily device_info_family(const std::vector<const UpsSnapshot*>& fresh) {
  MetricFamily info{std::string(kDeviceInfo),
                    "What the UPS is, in the labels (from device.mfr/ups.mfr, device.model/"
                    "ups.model, ups.firmware, device.serial/ups.serial, driver.name); always 1",
                    MetricType::kGauge, {}};
  for (const auto* ups : fresh) {
    Sample sample{{ups_label(*ups)}, 1.0};
    for (const auto& label : kInfoLabels) {
      sample.labels.push_back({std::string(label.label), first_present(*ups, label.variables)});
    }
    info.samples.push_back(std::move(sample));
  }
  return info;
}

void add_status_families(const std::vector<const UpsSnapshot*>& fresh,
                         std::vector<MetricFamily>& families) {
  for (const auto& metric : kStatusMetrics) {
    MetricFamily family{std::string(metric.name), std::string(metric.help), MetricType::kGauge, {}};
    for (const auto* ups : fresh) {
      if (!ups->variables.contains("ups.status")) continue;
      family.samples.push_back({{ups_label(*ups)}, status_words(*ups).contains(metric.flag) ? 1.0 : 0.0});
    }
    families.push_back(std::move(family));
  }
  MetricFamily info{std::string(kStatusInfo),
                    "1 when the NUT status flag in label status is in ups.status, else 0",
                    MetricType::kGauge, {}};
  for (const auto* ups : fresh) {
    if (!ups->variables.contains("ups.status")) continue;
    const auto words = status_words(*ups);
    for (std::string_view flag : kStatusFlags) {
      info.samples.push_back(
          {{ups_label(*ups), {"status", std::string(flag)}}, words.contains(flag) ? 1.0 : 0.0});
    }
  }
  families.push_back(std::move(info));
}

std::string help_for_variable(std::string_view variable) {
  const std::string_view description = variable_description(variable);
  if (description.empty()) return "NUT variable " + std::string(variable);
  return std::string(description) + " (NUT variable " + std::string(variable) + ")";
}

// One family per metric name, with the samples of every fresh UPS that has the variable.
void add_variable_families(const std::vector<const UpsSnapshot*>& fresh,
                           std::vector<MetricFamily>& families) {
  std::map<std::string, MetricFamily> by_name;
  for (const auto* ups : fresh) {
    std::set<std::string> seen;  // two variables that sanitize to one name: the first wins
    for (const auto& [variable, value] : ups->variables) {
      if (!is_exported_variable(variable)) continue;
      const auto number = parse_number(value);
      if (!number) continue;
      std::string name = metric_name_for_variable(variable);
      if (is_reserved_name(name) || !seen.insert(name).second) continue;
      auto [it, added] = by_name.try_emplace(name);
      if (added) it->second = {name, help_for_variable(lower(variable)), MetricType::kGauge, {}};
      it->second.samples.push_back({{ups_label(*ups)}, *number});
    }
  }
  for (auto& [name, family] : by_name) families.push_back(std::move(family));
}

}  // namespace

std::span<const std::string_view> known_status_flags() { return kStatusFlags; }

std::optional<double> parse_number(std::string_view value) {
  const std::size_t first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t last = value.find_last_not_of(" \t");
  value = value.substr(first, last - first + 1);
  if (value.front() == '+') value.remove_prefix(1);
  // Grammar check first: from_chars would also take "inf", "nan" and hex-looking prefixes.
  std::size_t i = 0;
  if (i < value.size() && value[i] == '-') ++i;
  std::size_t digits = 0;
  const auto is_digit = [&](std::size_t k) { return k < value.size() && value[k] >= '0' && value[k] <= '9'; };
  while (is_digit(i)) ++i, ++digits;
  if (i < value.size() && value[i] == '.') {
    ++i;
    while (is_digit(i)) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < value.size() && (value[i] == 'e' || value[i] == 'E')) {
    ++i;
    if (i < value.size() && (value[i] == '+' || value[i] == '-')) ++i;
    if (!is_digit(i)) return std::nullopt;
    while (is_digit(i)) ++i;
  }
  if (i != value.size()) return std::nullopt;
  double number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return number;
}

std::string metric_name_for_variable(std::string_view variable) {
  std::string name = lower(variable);
  if (name.starts_with("ups.")) name.erase(0, 4);
  std::replace(name.begin(), name.end(), '.', '_');
  return sanitize_metric_name("ups_" + name);
}

bool is_exported_variable(std::string_view variable) {
  static const std::set<std::string, std::less<>> kTextComponents = {
      "vendorid", "productid", "serial", "firmware", "version", "mfr", "model", "id", "date"};
  static const std::set<std::string, std::less<>> kUsbAddressParameters = {"bus", "device", "busport"};
  const std::string name = lower(variable);
  const auto parts = split_components(name);
  for (std::string_view part : parts) {
    if (kTextComponents.contains(part)) return false;
  }
  if (name.starts_with("driver.parameter.") && kUsbAddressParameters.contains(parts.back())) return false;
  return true;
}

std::vector<MetricFamily> ups_metric_families(const std::vector<UpsSnapshot>& upses) {
  std::vector<MetricFamily> families;
  MetricFamily scrape{std::string(kScrapeSuccess),
                      "1 when the UPS data is fresh, 0 when the driver is gone, the data is "
                      "stale or the server could not be asked",
                      MetricType::kGauge, {}};
  MetricFamily stale{std::string(kDataStale),
                     "1 when the NUT server has no current data for the UPS (driver not "
                     "connected, data stale, or no data yet), 0 when it has; absent when the "
                     "server could not be asked",
                     MetricType::kGauge, {}};
  std::vector<const UpsSnapshot*> fresh;
  for (const auto& ups : upses) {
    const bool ok = is_fresh(ups);
    scrape.samples.push_back({{ups_label(ups)}, ok ? 1.0 : 0.0});
    // The server answered either way; a UPS it answered for with status WAIT (connected, no
    // data sent yet) has no current data, too.
    if (ups.fresh || ups.data_stale) stale.samples.push_back({{ups_label(ups)}, ok ? 0.0 : 1.0});
    if (ok) fresh.push_back(&ups);
  }
  families.push_back(std::move(scrape));
  families.push_back(std::move(stale));
  families.push_back(device_info_family(fresh));
  add_status_families(fresh, families);
  add_variable_families(fresh, families);
  return families;
}

}  // namespace walnut::metrics
