// What the device model is told about the device it runs on: the USB identity it was claimed
// with, and the driver options that change how it reads and writes (ups.conf / -x, NUT's names).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace walnut::mapping {

// The USB identity NUT's format_mfr/format_model/format_serial and the claim hooks work from.
struct DeviceIdentity {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::optional<std::string> vendor;   // iManufacturer, nullopt when the device has none
  std::optional<std::string> product;  // iProduct
  std::optional<std::string> serial;   // iSerialNumber
};

// The driver options the model needs. Each field is NUT's setting of the same name; the driver
// fills them from its options (ups_device.cpp model_options()), tests set them directly.
struct ModelOptions {
  std::optional<std::string> lowbatt;   // battery.charge.low after init
  std::optional<std::string> ondelay;   // ups.delay.start after init
  std::optional<std::string> offdelay;  // ups.delay.shutdown after init
  bool onlinedischarge = false;         // OL+DISCHRG means OB (CyberPower UT)
  bool onlinedischarge_calibration = false;  // OL+DISCHRG means CAL (NUT 2.8.5)
  int lbrb_log_delay_sec = 0;                // LB/RB debounce (status.h LbRbDebounce)
  bool lbrb_log_delay_without_calibrating = false;
  int onlinedischarge_log_throttle_sec = -2;           // status.h OnlineDischargeLog
  int onlinedischarge_log_throttle_hovercharge = 100;
  bool interruptonly = false;           // paths resolve to Input items, no GET_REPORT
  // NUT's disable_fix_report_desc: the mapping's fix_report_descriptor is not applied.
  bool disable_fix_report_desc = false;
  // NUT's max_report_size (the `maxreport` flag, or the apc_max_report claim hook): every
  // GET_REPORT asks for sizeof(rbuf->data[id]) bytes instead of the report's length
  // (HidUps::request_length()).
  bool max_report_size = false;
  // override.X / default.X: applied to the store before the init walk, as NUT's main.c does
  // (an override is IMMUTABLE; both make the mapping skip that variable's HID rows).
  std::vector<std::pair<std::string, std::string>> overrides;
  std::vector<std::pair<std::string, std::string>> defaults;
};

}  // namespace walnut::mapping
