// Test support: a corpus capture (tests/data/hid-corpus/) brought up through the device model
// the way usbhid-ups does it, reports answered as NUT's oracle (fakeusb.c) answers them.
#pragma once

#include <fnmatch.h>

#include <cstdlib>
#include <ctime>
#include <optional>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/ups_state.h"
#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/subdriver.h"

namespace walnut::mapping::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// TZ set for one scope (localtime and mktime read it: MGE's ups.date/ups.time), restored after.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) setenv("TZ", old_->c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

// Captures the model tests use most.
inline constexpr const char* kEs850 = "apc-back-ups-es-850g2.txt";
inline constexpr const char* kSmart1000 = "apc-smart-ups-1000.txt";

// A variable's value, "<absent>" when the state lacks it.
inline std::string value(const UpsState& state, const char* name) {
  const std::string* v = state.value(name);
  return v ? *v : "<absent>";
}

inline std::string corpus_path(const std::string& name) {
  return std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus/" + name;
}

struct CorpusDevice {
  hid::Capture capture;
  hid::ReportDescriptor descriptor;
  std::string subdriver;
  std::unique_ptr<HidUps> model;
  UpsState state;
  std::string error;  // why the device could not be brought up

  // GETs every report `mode` needs from the capture (missing ones as zeros, unknown ones stall).
  void feed(WalkMode mode) {
    for (std::uint8_t id : model->reports_for_walk(mode)) {
      auto bytes = hid::captured_report(capture, descriptor, hid::ReportType::kFeature, id);
      if (bytes) model->on_report(id, *bytes);
      else model->on_report_failed(id);
    }
  }
  void walk(WalkMode mode) {
    feed(mode);
    model->walk(mode, state);
  }
};

// The rows of tests/parity/known-differences.md that excuse a variable because walnut follows
// NUT 2.8.5 where the recorded reading is stock 2.8.0's: `| variables | capture | set | item |
// 2.8.5: reason |`. Only those: the other rows are about the live driver, not the model.
struct KnownDifference {
  std::string capture, report_set, item;
};

inline std::vector<KnownDifference> known_variable_differences() {
  std::vector<KnownDifference> rows;
  std::istringstream text(testing::read_file(std::string(WALNUT_SOURCE_DIR) + "/tests/parity/known-differences.md"));
  std::string line;
  while (std::getline(text, line)) {
    if (line.rfind("| variables |", 0) != 0) continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    std::string cell;
    while (std::getline(row, cell, '|')) {
      const auto first = cell.find_first_not_of(" `");
      const auto last = cell.find_last_not_of(" `");
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    if (cells.size() >= 5 && cells[4].rfind("2.8.5:", 0) == 0) rows.push_back({cells[1], cells[2], cells[3]});
  }
  return rows;
}

// "eaton-3s-700.pattern-seed1.txt" (or .commands.txt) -> capture "eaton-3s-700", report set "seed1" (the names
// the parity suite gives them); a capture itself is the "captured" set.
inline bool known_difference(const std::string& file, const std::string& variable) {
  static const std::vector<KnownDifference> rows = known_variable_differences();
  std::string capture = file.substr(0, file.size() - 4);
  if (auto commands = capture.find(".commands"); commands != std::string::npos) capture.resize(commands);
  std::string report_set = "captured";
  if (auto dot = capture.find(".pattern-"); dot != std::string::npos) {
    report_set = capture.substr(dot + 9);
    capture.resize(dot);
  }
  for (const KnownDifference& row : rows) {
    if (fnmatch(row.capture.c_str(), capture.c_str(), 0) == 0 &&
        fnmatch(row.report_set.c_str(), report_set.c_str(), 0) == 0 &&
        fnmatch(row.item.c_str(), variable.c_str(), 0) == 0) {
      return true;
    }
  }
  return false;
}

// Loads `file` (a name in tests/data/hid-corpus/), selects the subdriver as NUT would (explore
// for devices nobody claims, as the oracle does), and runs NUT's start: identity, init walk and
// the updates of a -d 1 run (quick ones, replaying the capture's interrupts).
inline std::unique_ptr<CorpusDevice> bring_up(const std::string& file, ModelOptions options = {}) {
  auto device = std::make_unique<CorpusDevice>();
  auto capture = hid::read_capture(read_file(corpus_path(file)));
  if (!capture.ok()) {
    device->error = capture.error();
    return device;
  }
  device->capture = std::move(capture.value());
  auto descriptor = hid::parse_report_descriptor(device->capture.descriptor);
  if (!descriptor.ok()) {
    device->error = descriptor.error();
    return device;
  }
  device->descriptor = std::move(descriptor.value());
  SelectionRequest request;
  request.vendor_id = device->capture.vendor_id;
  request.product_id = device->capture.product_id;
  request.product = device->capture.product;
  auto selection = select_subdriver(request);
  if (!selection.ok()) {
    request.explore = true;
    selection = select_subdriver(request);
  }
  device->subdriver = selection->key;
  auto mapping = builtin_mapping(selection->key);
  if (!mapping.ok()) {
    device->error = mapping.error();
    return device;
  }
  DeviceIdentity identity{device->capture.vendor_id, device->capture.product_id, device->capture.manufacturer,
                          device->capture.product, device->capture.serial};
  const hid::Capture* capture_ptr = &device->capture;
  auto model = HidUps::create(device->descriptor, std::move(mapping.value()), identity, std::move(options),
                              [capture_ptr](int index) { return capture_ptr->string_descriptor(index); });
  if (!model.ok()) {
    device->error = model.error();
    return device;
  }
  device->model = std::move(model.value());
  device->model->publish_identity(device->state);
  device->feed(WalkMode::kInit);
  if (auto status = device->model->init(device->state); !status.ok()) device->error = status.error();
  // NUT's -d 1 run (the oracle's): three updates, each reading at most one interrupt report
  // (fakeusb also keeps it as the report's GET answer) and then walking quickly.
  for (int update = 0; update < 3; ++update) {
    if (static_cast<std::size_t>(update) < device->capture.interrupts.size()) {
      const std::vector<std::uint8_t>& report = device->capture.interrupts[static_cast<std::size_t>(update)];
      device->model->on_interrupt(report, device->state);
      if (!report.empty()) device->capture.reports[report[0]] = report;
    }
    device->walk(WalkMode::kQuick);
  }
  return device;
}

// The device's descriptor under a test mapping of `rows` (YAML table lines, APC usage names),
// as an APC 051d:0002 claims it: for rows no shipped mapping has.
inline Result<std::unique_ptr<HidUps>> model_with_rows(const CorpusDevice& device,
                                                       const std::string& rows) {
  auto mapping =
      load_mapping("subdriver: t\nversion: T\nusage_table: apc\ntable:\n" + rows, "t.yaml");
  if (!mapping.ok()) return Error{mapping.error()};
  DeviceIdentity identity{0x051d, 0x0002, std::nullopt, std::nullopt, std::nullopt};
  return HidUps::create(device.descriptor, *mapping, identity, {}, nullptr);
}

}  // namespace walnut::mapping::testing
