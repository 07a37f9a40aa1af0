// Benchmark of the HID core: parsing each corpus report descriptor (three are about 1 KiB),
// reading every field of it, and producing NUT's explore dump. Prints figures; asserts none.
//
//   hid_parse_bench [--iterations N] [DATA_DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/hid/explore.h"
#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/hid/usage_table.h"

namespace {

using Clock = std::chrono::steady_clock;
using walnut::hid::Capture;

std::vector<std::pair<std::string, Capture>> load(const std::string& dir) {
  std::vector<std::pair<std::string, Capture>> captures;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".txt" || name.find(".pattern-") != std::string::npos) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto capture = walnut::hid::read_capture(text.str());
    if (capture.ok()) captures.emplace_back(name, std::move(capture).value());
  }
  std::sort(captures.begin(), captures.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return captures;
}

// The median of `runs` timings of `iterations` calls of `work`, in nanoseconds per call.
template <typename Work>
double median_ns(int iterations, Work&& work) {
  std::vector<double> runs;
  for (int run = 0; run < 5; ++run) {
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) work();
    const std::chrono::duration<double, std::nano> elapsed = Clock::now() - start;
    runs.push_back(elapsed.count() / iterations);
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 2000;
  std::string dir = WALNUT_TEST_DATA_DIR "/hid-corpus";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) iterations = std::max(1, std::atoi(argv[++i]));
    else dir = arg;
  }
  const auto captures = load(dir);
  if (captures.empty()) {
    std::fprintf(stderr, "hid_parse_bench: no captures in %s\n", dir.c_str());
    return 1;
  }
  const walnut::hid::UsageTable& table = *walnut::hid::UsageTable::find("apc");
  std::printf("%-36s %6s %6s %12s %12s %14s %14s\n", "device", "bytes", "fields", "parse_ns",
              "parse_ns/KiB", "read_all_ns", "explore_ns");
  volatile std::size_t sink = 0;
  for (const auto& [name, capture] : captures) {
    auto parsed = walnut::hid::parse_report_descriptor(capture.descriptor);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), parsed.error().c_str());
      return 1;
    }
    const auto& d = *parsed;
    const double parse = median_ns(iterations, [&] {
      sink = sink + walnut::hid::parse_report_descriptor(capture.descriptor)->fields.size();
    });
    std::vector<std::vector<std::uint8_t>> reports(256);
    for (int id = 0; id < 256; ++id) reports[id].assign(d.buffer_size(static_cast<std::uint8_t>(id)), 0x5a);
    const double read_all = median_ns(iterations, [&] {
      double total = 0;
      for (const auto& field : d.fields) total += walnut::hid::extract_value(reports[field.report_id], field);
      sink = sink + static_cast<std::size_t>(total);
    });
    const double explore = median_ns(std::max(1, iterations / 10), [&] {
      sink = sink + walnut::hid::explore_lines(d, table, [&](std::uint8_t id) {
                      return std::optional<std::vector<std::uint8_t>>(reports[id]);
                    }).size();
    });
    std::printf("%-36s %6zu %6zu %12.0f %12.0f %14.0f %14.0f\n", name.c_str(), capture.descriptor.size(),
                d.fields.size(), parse, parse * 1024.0 / static_cast<double>(capture.descriptor.size()),
                read_all, explore);
  }
  return 0;
}
