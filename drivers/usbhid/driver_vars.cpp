// The settings table of NUT 2.8.5's usbhid-ups, transcribed as data (names, types, NUT's
// descriptions, source lines at v2.8.5) with walnut's handling of each.
#include "drivers/usbhid/driver_vars.h"

#include <cctype>

#include <fmt/format.h>

namespace walnut::usbhid {
namespace {

constexpr auto V = VarType::kValue;
constexpr auto F = VarType::kFlag;
constexpr auto kDone = Support::kImplemented;
constexpr auto kNotOurs = Support::kNotForDriver;
constexpr auto kIgnored = Support::kIgnored;

// upsdrv_makevartable (drivers/usbhid-ups.c) with nut_usb_addvars (drivers/libusb1.c) spliced
// in where usbhid-ups.c:1358 calls it, as the driver registers them.
constexpr DriverVar kDriverVars[] = {
    {"lowbatt", V, "Set low battery level, in % (default=30)", "drivers/usbhid-ups.c:1301", kDone},
    {"offdelay", V, "Set shutdown delay, in seconds (default=20, or 60 for CPS devices)",
     "drivers/usbhid-ups.c:1306", kDone},
    {"ondelay", V, "Set startup delay, in seconds (default=30, or 120 for CPS devices)",
     "drivers/usbhid-ups.c:1311", kDone},
    {"pollfreq", V,
     "Set polling frequency, in seconds, to reduce data flow (default=30, or 12 for CPS devices)",
     "drivers/usbhid-ups.c:1317", kDone},
    {"pollonly", F, "Don't use interrupt pipe, only use polling (recommended for CPS devices)",
     "drivers/usbhid-ups.c:1319", kDone},
    {"interrupt_pipe_no_events_tolerance", V,
     "How many times in a row do we tolerate \"Got 0 HID objects\" from USB interrupts?",
     "drivers/usbhid-ups.c:1321", kDone},
    {"onlinedischarge", F,
     "Set to treat discharging while online as being offline/on-battery (DEPRECATED, use "
     "onlinedischarge_onbattery)",
     "drivers/usbhid-ups.c:1323", kDone},
    {"onlinedischarge_onbattery", F,
     "Set to treat discharging while online as being offline/on-battery",
     "drivers/usbhid-ups.c:1326", kDone},
    {"onlinedischarge_calibration", F, "Set to treat discharging while online as doing calibration",
     "drivers/usbhid-ups.c:1329", kDone},
    {"onlinedischarge_log_throttle_sec", V,
     "Set to throttle log messages about discharging while online (only so often)",
     "drivers/usbhid-ups.c:1332", kDone},
    {"onlinedischarge_log_throttle_hovercharge", V,
     "Set to throttle log messages about discharging while online (only if battery.charge is "
     "under this value)",
     "drivers/usbhid-ups.c:1335", kDone},
    {"lbrb_log_delay_sec", V,
     "Set to delay status-setting (and log messages) about device in LB or LB+RB state",
     "drivers/usbhid-ups.c:1338", kDone},
    {"lbrb_log_delay_without_calibrating", F,
     "Set to apply lbrb_log_delay_sec even if device is not calibrating",
     "drivers/usbhid-ups.c:1341", kDone},
    {"disable_fix_report_desc", F,
     "Set to disable fix-ups for broken USB encoding, etc. which we apply by default on certain "
     "vendors/products",
     "drivers/usbhid-ups.c:1344", kDone},
    {"powercom_sdcmd_byte_order_fallback", F,
     "Set to use legacy byte order for Powercom HID shutdown commands. Either it was wrong "
     "forever, or some older devices/firmwares had it the other way around",
     "drivers/usbhid-ups.c:1347", kIgnored, "walnut has no Powercom subdriver"},
    {"powercom_sdcmd_discrete_delay", F,
     "Set to use discrete timing table for Powercom HID shutdown commands (Raptor and Smart KING "
     "Pro series)",
     "drivers/usbhid-ups.c:1350", kIgnored, "walnut has no Powercom subdriver"},
    {"subdriver", V, "Explicit USB HID subdriver selection", "drivers/usbhid-ups.c:1354", kDone},
    {"winhid", F,
     "Use the experimental native Windows HID backend instead of libusb (WIN32 only)",
     "drivers/usbhid-ups.c:1355", kIgnored,
     "Windows only (NUT on Linux ignores it with a warning too)"},
    {"vendor", V, "Regular expression to match UPS Manufacturer string", "drivers/libusb1.c:68",
     kDone},
    {"product", V, "Regular expression to match UPS Product string", "drivers/libusb1.c:69", kDone},
    {"serial", V, "Regular expression to match UPS Serial number", "drivers/libusb1.c:70", kDone},
    {"vendorid", V,
     "Regular expression to match UPS Manufacturer numerical ID (4 digits hexadecimal)",
     "drivers/libusb1.c:72", kDone},
    {"productid", V, "Regular expression to match UPS Product numerical ID (4 digits hexadecimal)",
     "drivers/libusb1.c:73", kDone},
    {"bus", V, "Regular expression to match USB bus name", "drivers/libusb1.c:75", kDone},
    {"device", V, "Regular expression to match USB device name", "drivers/libusb1.c:76", kDone},
    {"busport", V, "Regular expression to match USB bus port name", "drivers/libusb1.c:77", kDone},
    {"allow_duplicates", F,
     "If you have several UPS devices which may not be uniquely identified by options above, "
     "allow each driver instance with this option to take the first match if available, or try "
     "another (association of driver to device may vary between runs)",
     "drivers/libusb1.c:91", kDone},
    {"usb_set_altinterface", V,
     "Force redundant call to usb_set_altinterface() (value=bAlternateSetting; default=0)",
     "drivers/libusb1.c:97", kDone},
    {"usb_config_index", V, "Deeper tuning of USB communications for complex devices",
     "drivers/libusb1.c:99", kDone},
    {"usb_hid_rep_index", V, "Deeper tuning of USB communications for complex devices",
     "drivers/libusb1.c:100", kDone},
    {"usb_hid_desc_index", V, "Deeper tuning of USB communications for complex devices",
     "drivers/libusb1.c:101", kDone},
    {"usb_hid_ep_in", V, "Deeper tuning of USB communications for complex devices",
     "drivers/libusb1.c:102", kDone},
    {"usb_hid_ep_out", V, "Deeper tuning of USB communications for complex devices",
     "drivers/libusb1.c:103", kDone},
    {"explore", F, "Diagnostic matching of unsupported UPS", "drivers/usbhid-ups.c:1360", kDone},
    {"maxreport", F, "Activate tweak for buggy APC Back-UPS firmware", "drivers/usbhid-ups.c:1362",
     kDone},
    {"interruptonly", F, "Don't use polling, only use interrupt pipe", "drivers/usbhid-ups.c:1364",
     kDone},
    {"interruptsize", V, "Number of bytes to read from interrupt pipe",
     "drivers/usbhid-ups.c:1366", kDone},
    {"waitbeforereconnect", V, "Seconds to wait before trying to reconnect",
     "drivers/usbhid-ups.c:1368", kDone},
    // walnut's own
    {"mapping", V, "walnut: read the HID-to-NUT mapping from this YAML file", "walnut", kDone},
    {"capture", V, "walnut: write a capture of the device to this file", "walnut", kDone},
    {"capture_keep_serial", F, "walnut: keep serial numbers in the capture", "walnut", kDone},
};

constexpr DriverVar kMainVars[] = {
    {"nolock", F, "do not lock the port (serial drivers)", "drivers/main.c:1247", kDone},
    {"ignorelb", F, "ignore the device's LB, use battery.charge/runtime thresholds",
     "drivers/main.c:1261", kDone},
    {"allow_killpower", F, "allow the driver.killpower instant command", "drivers/main.c:1270",
     kDone},
    {"port", V, "device port", "drivers/main.c:1291", kDone},
    {"user", V, "account to run as", "drivers/main.c:1303", kDone},
    {"group", V, "group of the driver socket", "drivers/main.c:1320", kDone},
    {"sddelay", V, "obsolete (NUT logs that it is obsolete)", "drivers/main.c:1337", kNotOurs},
    {"pollinterval", V, "seconds between updates", "drivers/main.c:1349", kDone},
    {"synchronous", V, "block on slow socket readers", "drivers/main.c:1384", kIgnored,
     "walnut never blocks on a reader: it queues up to 4 MiB per reader, then drops it"},
    {"sdorder", V, "upsdrvctl's shutdown order", "drivers/main.c:1399", kNotOurs},
    {"maxstartdelay", V, "upsdrvctl's start timeout", "drivers/main.c:1402", kNotOurs},
    {"maxretry", V, "upsdrvctl's start retries", "drivers/main.c:1405", kNotOurs},
    {"retrydelay", V, "upsdrvctl's delay between retries", "drivers/main.c:1408", kNotOurs},
    {"desc", V, "upsd's description of the UPS", "drivers/main.c:1412", kNotOurs},
    {"sdcommands", V, "instant commands -k and driver.killpower try, in order",
     "drivers/main.c:1415", kDone},
    {"debug_min", V, "lowest debug level, whatever -D says", "drivers/main.c:1431", kDone},
    {"LIBUSB_DEBUG", V, "libusb's own debug level", "drivers/main.c:1441", kDone},
    {"driver", V, "which driver the section is for (checked)", "drivers/main.c:1682", kDone},
    {"chroot", V, "global: chroot to this directory (as -r)", "drivers/main.c:1505", kDone},
    {"STATEPATH", V, "global: state directory (NUT_STATEPATH wins)", "drivers/main.c:1613", kDone},
    {"override.*", V, "fix a variable's value", "drivers/main.c:425", kDone},
    {"default.*", V, "a variable's value until the device gives one", "drivers/main.c:437", kDone},
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::span<const DriverVar> driver_vars() { return kDriverVars; }
std::span<const DriverVar> main_vars() { return kMainVars; }

const DriverVar* find_driver_var(std::string_view name) {
  for (const auto& var : kDriverVars) {
    if (iequals(var.name, name)) return &var;
  }
  return nullptr;
}

const DriverVar* find_main_var(std::string_view name, VarType type) {
  for (const auto& var : kMainVars) {
    if (var.name == name && var.type == type) return &var;
  }
  return nullptr;
}

std::string list_vars_text() {
  std::string text;
  for (const auto& var : kDriverVars) {
    text += fmt::format("{} {} \"{}\"\n", var.type == VarType::kValue ? "VALUE" : "FLAG", var.name,
                        var.description);
  }
  return text;
}

}  // namespace walnut::usbhid
