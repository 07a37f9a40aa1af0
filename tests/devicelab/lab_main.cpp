// devicelab-run: plugs an emulated UPS built from a capture into a umockdev testbed and runs a
// program against it, e.g. `devicelab-run CAPTURE -- build/bin/usbhid-ups -s lab -x port=auto
// -u root -d 1`. For trying drivers by hand; the tests use the same pieces directly.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "drivers/usbhid/hid/report_descriptor.h"
#include "tests/devicelab/capture_device.h"
#include "tests/devicelab/child_process.h"
#include "tests/devicelab/usb_lab.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

// WALNUT_DEVICELAB_TIMELINE=FILE: every transfer the device answered, one per line as
// "MILLISECONDS KIND REPORT_ID" from the plug-in (TimelineEvent::Kind), after a line naming the
// report IDs that have Input items (those a UPS sends on its interrupt pipe). scripts/bench-transfers
// turns it into transfers per minute and value ages.
void write_timeline(const std::string& path, const walnut::devicelab::EmulatedUps& ups,
                    std::chrono::steady_clock::time_point plugged) {
  using namespace walnut::devicelab;
  std::ofstream out(path);
  std::set<int> inputs;
  if (auto parsed = walnut::hid::parse_report_descriptor(ups.image().report_descriptor); parsed.ok()) {
    for (const auto& field : parsed->fields) {
      if (field.type == walnut::hid::ReportType::kInput) inputs.insert(field.report_id);
    }
  }
  out << "input-reports:";
  for (int id : inputs) out << ' ' << id;
  out << '\n';
  for (const TimelineEvent& event : ups.timeline()) {
    const auto ms = std::chrono::duration<double, std::milli>(event.time - plugged).count();
    out << ms << ' ' << static_cast<char>(event.kind) << ' ' << static_cast<int>(event.report_id) << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace walnut::devicelab;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string serial = "3B1925X12345";
  std::size_t separator = 0;
  while (separator < args.size() && args[separator] != "--") ++separator;
  if (separator == 0 || separator + 1 >= args.size()) {
    std::fprintf(stderr, "usage: devicelab-run CAPTURE [SERIAL] -- PROGRAM [ARGS...]\n");
    return 2;
  }
  if (separator >= 2) serial = args[1];
  auto image = ups_image_from_capture(args[0], serial);
  if (!image.ok()) {
    std::fprintf(stderr, "%s\n", image.error().c_str());
    return 2;
  }
  const auto plugged = std::chrono::steady_clock::now();
  UsbLab lab(std::make_shared<EmulatedUps>(std::move(*image)));
  std::fprintf(stderr, "devicelab: %s plugged in as %s and %s (testbed %s)\n", args[0].c_str(),
               lab.usbfs_path().c_str(), lab.hidraw_path().c_str(), lab.root_dir().c_str());
  // The testbed must outlive the child: pass termination on instead of dying first.
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) std::signal(sig, request_stop);
  ChildProcess child(std::vector<std::string>(args.begin() + static_cast<long>(separator) + 1, args.end()),
                     lab.child_environment());
  if (child.pid() <= 0) {
    std::fprintf(stderr, "devicelab: cannot start %s\n", args[separator + 1].c_str());
    return 2;
  }
  std::optional<int> status;
  while (!(status = child.wait(std::chrono::milliseconds(100)))) {
    if (g_stop) {
      status = child.stop();
      break;
    }
  }
  std::fprintf(stderr, "devicelab: %d ioctls served on usbfs\n", lab.usbfs().ioctl_count());
  // Control transfers (every setup packet, GET_REPORT by report ID): scripts/bench-memory's
  // --transfers compares them between drivers on the same capture.
  const auto log = lab.ups().control_log();
  std::map<int, int> get_reports;
  for (const SetupPacket& setup : log) {
    if (setup.request_type == 0xA1 && setup.request == 0x01) ++get_reports[setup.value & 0xFF];
  }
  std::fprintf(stderr, "devicelab: %zu control transfers", log.size());
  for (const auto& [id, count] : get_reports) std::fprintf(stderr, " 0x%02x:%d", id, count);
  std::fprintf(stderr, "\n");
  if (const char* timeline = std::getenv("WALNUT_DEVICELAB_TIMELINE")) {
    write_timeline(timeline, lab.ups(), plugged);
  }
  if (WIFEXITED(*status)) return WEXITSTATUS(*status);
  return 128 + WTERMSIG(*status);
}
