// Fuzzes the simulated UPS's parsers and its reading of host SET_REPORTs. The first byte picks
// the input: 0 scenario YAML, 1 command line, 2 state file, 3 a SET_REPORT (then a render).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/sim/report_binding.h"
#include "drivers/usbhid/sim/scenario.h"
#include "drivers/usbhid/sim/sim_command.h"
#include "drivers/usbhid/sim/state_file.h"

namespace {

using namespace walnut::usbhid::sim;

const std::optional<ReportBinding>& es_850g2() {
  static const std::optional<ReportBinding> binding = [] () -> std::optional<ReportBinding> {
    std::ifstream in(WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt");
    std::ostringstream text;
    text << in.rdbuf();
    auto capture = walnut::hid::read_capture(text.str());
    if (!capture) return std::nullopt;
    auto bound = ReportBinding::from_descriptor(capture->descriptor);
    if (!bound) return std::nullopt;
    return std::move(*bound);
  }();
  return binding;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: (void)parse_scenario(text, "fuzz.yaml"); break;
    case 1: (void)parse_sim_command(text); break;
    case 2: (void)state_from_text(text); break;
    default: {
      const auto& binding = es_850g2();
      if (!binding || size < 2) break;
      UpsPhysics ups;
      const std::vector<std::uint8_t> report(data + 1, data + size);
      binding->apply_host_write(report[0], report, ups);
      auto lookup = [&report](std::uint8_t id) -> std::optional<ReportBytes> {
        if (id == report[0]) return report;
        return std::nullopt;
      };
      advance(ups, UpsLimits{}, 30);
      (void)binding->render(ups, binding->read_limits(lookup), lookup);
      break;
    }
  }
  return 0;
}
