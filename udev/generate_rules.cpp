// walnut-udev-rules: prints (or writes to the file given) the udev rules for every USB UPS
// the usbhid-ups driver claims, from the driver's own compiled-in table.
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "drivers/usbhid/mapping/subdriver.h"
#include "udev/rules_check.h"

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: walnut-udev-rules [FILE]\n"
      "Writes the udev rules giving the nut group access to every USB UPS usbhid-ups claims\n"
      "to FILE (replaced), or to stdout without FILE.\n"
      "  -h, --help   this help\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2) {
    const std::string_view arg = argv[1];
    if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    }
    // A file name starting with '-' is more likely a mistyped option than a wish.
    if (argc > 2 || (arg.size() > 1 && arg[0] == '-')) {
      usage(stderr);
      return 2;
    }
  }
  const std::string rules = walnut::mapping::udev_rules();
  for (const std::string& problem : walnut::udev::check_rules(rules)) {
    std::fprintf(stderr, "walnut-udev-rules: generated rules: %s\n", problem.c_str());
    return 1;
  }
  if (argc < 2) {
    std::fputs(rules.c_str(), stdout);
    return 0;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << rules;
  out.close();
  if (!out) {
    std::fprintf(stderr, "walnut-udev-rules: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
