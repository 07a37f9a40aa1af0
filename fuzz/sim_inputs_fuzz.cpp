// Fuzzes the simulated UPS's parsers and its reading of host SET_REPORTs. The first byte picks
// the input: 0 scenario YAML (and the same bytes as a packed scenario), 1 command line, 2 state
// file, 3 a SET_REPORT (then a render).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
    case 0: {
      // A scenario that parses packs and unpacks (walnut-yaml -> driver) to the same timeline;
      // any bytes read as a packed scenario give one or an error.
      if (auto scenario = parse_scenario(text, "fuzz.yaml")) {
        auto back = unpack_scenario(pack_scenario(*scenario));
        if (!back || back->events.size() != scenario->events.size()) std::abort();
        for (std::size_t i = 0; i < back->events.size(); ++i) {
          if (back->events[i].text != scenario->events[i].text) std::abort();
          if (!(back->events[i].at == scenario->events[i].at)) std::abort();
        }
      }
      (void)unpack_scenario(text);
      break;
    }
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
