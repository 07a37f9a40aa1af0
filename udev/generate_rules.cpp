// walnut-udev-rules: writes, from the usbhid-ups driver's own compiled-in claim table,
//   walnut-udev-rules [OUT]                       the udev rules for every claimed UPS
//   walnut-udev-rules --missing-from RULES [OUT]  only what NUT's RULES file (Debian's
//                                                 62-nut-usbups.rules) lacks
//   walnut-udev-rules --markdown [OUT]            the supported hardware table (README.md)
// to OUT, or to standard output.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "drivers/usbhid/mapping/subdriver.h"
#include "udev/rules_check.h"
#include "udev/rules_text.h"

namespace {

int usage() {
  std::fputs("usage: walnut-udev-rules [--missing-from NUT_RULES | --markdown] [OUT]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace walnut;
  int arg = 1;
  bool markdown = false;
  const char* base = nullptr;
  if (arg < argc && std::strcmp(argv[arg], "--markdown") == 0) {
    markdown = true;
    ++arg;
  } else if (arg < argc && std::strcmp(argv[arg], "--missing-from") == 0) {
    if (arg + 1 >= argc) return usage();
    base = argv[arg + 1];
    arg += 2;
  }
  if (arg < argc && argv[arg][0] == '-') return usage();
  if (argc - arg > 1) return usage();

  const auto claimed = mapping::claimed_devices();
  std::string text;
  if (markdown) {
    text = udev::supported_hardware_markdown(claimed);
  } else {
    udev::UsbIds granted;
    if (base != nullptr) {
      std::ifstream in(base, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "walnut-udev-rules: cannot read %s\n", base);
        return 1;
      }
      std::ostringstream nut_rules;
      nut_rules << in.rdbuf();
      granted = udev::nut_group_ids(nut_rules.str());
    }
    text = udev::udev_rules(claimed, granted);
    for (const std::string& problem : udev::check_rules(text)) {
      std::fprintf(stderr, "walnut-udev-rules: generated rules: %s\n", problem.c_str());
      return 1;
    }
  }
  if (arg == argc) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  std::ofstream out(argv[arg], std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "walnut-udev-rules: cannot write %s\n", argv[arg]);
    return 1;
  }
  return 0;
}
