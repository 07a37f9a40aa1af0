// The device model of usbhid-ups: a parsed report descriptor plus a subdriver mapping, turning
// report bytes into NUT variables and ups.status, and instcmd/setvar into SET_REPORT bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::hid {
struct ReportDescriptor;
}

namespace walnut::mapping {

// NUT's walk modes (usbhid-ups.c hid_ups_walk).
enum class WalkMode { kInit, kQuick, kFull };

// The USB identity NUT's format_mfr/format_model/format_serial work from.
struct DeviceIdentity {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::optional<std::string> vendor;   // iManufacturer, nullopt when the device has none
  std::optional<std::string> product;  // iProduct
  std::optional<std::string> serial;   // iSerialNumber
};

// The driver options the model needs, from ups.conf / -x (names as NUT's).
struct ModelOptions {
  std::optional<std::string> lowbatt;   // battery.charge.low after init
  std::optional<std::string> ondelay;   // ups.delay.start after init
  std::optional<std::string> offdelay;  // ups.delay.shutdown after init
  bool onlinedischarge = false;         // OL+DISCHRG means OB (CyberPower UT)
  bool interruptonly = false;           // paths resolve to Input items, no GET_REPORT
  bool disable_fix_report_desc = false;
  // override.X / default.X: applied to the store before the init walk, as NUT's main.c does
  // (an override is IMMUTABLE; both make the mapping skip that variable's HID rows).
  std::vector<std::pair<std::string, std::string>> overrides;
  std::vector<std::pair<std::string, std::string>> defaults;
};

// StringLookup (USB string descriptor by index) is declared in converter.h.

// One SET_REPORT (Feature) to send: the report ID and the whole report, byte 0 = report ID,
// every other field carrying the bits last read from the device.
struct ReportWrite {
  std::uint8_t report_id = 0;
  std::vector<std::uint8_t> bytes;
  // Sleep this long before sending (NUT's 125 ms between the two writes of shutdown.return).
  std::chrono::milliseconds delay_before{0};
  // NUT ignores this write's result (ups.start.auto before shutdown.return/stayoff): a failure
  // does not stop the plan.
  bool ignore_failure = false;
};

// NUT's STAT_INSTCMD_* / STAT_SET_* outcomes.
enum class CommandStatus { kHandled, kUnknown, kInvalid, kFailed, kConversionFailed };

// What an instcmd/setvar asks the driver to do. With kHandled, send `writes` in order and stop
// at the first failure (the command then FAILED, or UNKNOWN for setvar, as NUT answers); report
// the result with HidUps::writes_done(). No writes with kHandled: done in the store already.
struct CommandPlan {
  CommandStatus status = CommandStatus::kUnknown;
  std::vector<ReportWrite> writes;
  // The answer when a write fails: kFailed for instcmd, kUnknown for setvar (NUT's FIXME).
  CommandStatus on_write_failure = CommandStatus::kFailed;
};

class HidUps {
 public:
  // Builds the model: resolves every mapping row's path against the descriptor with the
  // mapping's usage table (rows whose path the device lacks are dropped, as NUT drops them),
  // and applies the mapping's descriptor quirk (NUT's fix_report_desc) to a private copy.
  static Result<std::unique_ptr<HidUps>> create(const hid::ReportDescriptor& descriptor,
                                                Mapping mapping, DeviceIdentity identity,
                                                ModelOptions options, StringLookup strings);
  ~HidUps();
  HidUps(const HidUps&) = delete;
  HidUps& operator=(const HidUps&) = delete;

  const Mapping& mapping() const;

  // Feature report IDs (ascending) whose items the given walk reads: GET each, then pass the
  // bytes to on_report() (or on_report_failed()) before calling walk(). NUT re-reads a report
  // only when its copy is older than pollinterval; re-reading every time is also correct.
  std::vector<std::uint8_t> reports_for_walk(WalkMode mode) const;
  // Total report length in bytes, report ID byte included (NUT's replen + 1).
  std::size_t report_length(std::uint8_t report_id) const;

  // A GET_REPORT answer: `bytes` as on the wire, byte 0 = report ID. Short answers are kept
  // as far as they go (like NUT, the rest keeps its old bits).
  void on_report(std::uint8_t report_id, std::span<const std::uint8_t> bytes);
  // The GET failed (stall, timeout): the next walk skips this report's items.
  void on_report_failed(std::uint8_t report_id);
  // An interrupt-IN report (byte 0 = report ID): filed like a GET answer, then every Input
  // item of it is routed to its table row at once (NUT's HIDGetEvents path), updating
  // variables and status bits in `state`; ups.status itself is recomposed by the next walk.
  void on_interrupt(std::span<const std::uint8_t> bytes, UpsState& state);

  // Publishes what NUT publishes before the first walk: ups.mfr/model/serial, ups.firmware(.aux)
  // for APC, ups.vendorid/productid, driver.version.data; applies override.*/default.*.
  void publish_identity(UpsState& state) const;
  // The init walk and upsdrv_initinfo's extras (lowbatt/ondelay/offdelay, load.off/load.on,
  // shutdown.return/stayoff, driver.version.data). Feed reports_for_walk(kInit) first.
  // A later call (after a reconnect) only re-reads the rows chosen the first time, as NUT's
  // init walk does on reconnect (driver-side variables return to their defaults).
  // Fails only if the model cannot run at all (NUT's "Can't initialize data from HID UPS"
  // comes from I/O errors, which are the driver's).
  Status init(UpsState& state);
  // A quick or full walk, then ups.status (and, on full walks, ups.alarm) committed to state.
  // REQUIRES: init() succeeded.
  // The first walk after init() is a quick one in NUT (lastpoll is set at init), unless
  // full_walk_requested(); later ones are full every pollfreq seconds, quick in between.
  void walk(WalkMode mode, UpsState& state);
  // Recomposes ups.status (and input.transfer.reason) from the bits as they are now, without
  // reading anything: for publishing an interrupt report at once, between walks.
  void commit_status(UpsState& state);
  // NUT's data_has_changed: a setvar/instcmd succeeded, so the next walk must be a full one
  // that re-reads the semi-static rows.
  bool full_walk_requested() const;

  // Instant commands NUT would offer after init (advertised with add_cmd by init() too).
  std::vector<std::string> commands() const;

  // NUT's instcmd(): beeper.on/off renamed, load.on/load.off/shutdown.return/shutdown.stayoff
  // composites, value = `value` or the row's default, converted by the row's lookup.
  CommandPlan instcmd(std::string_view name, std::optional<std::string_view> value,
                      UpsState& state);
  // NUT's setvar(): RW rows only; driver-side (absent) variables are set in `state` directly.
  CommandPlan setvar(std::string_view name, std::string_view value, UpsState& state);
  // After sending a plan's writes: `success` when all went through. Success makes the next
  // walk a full one (NUT's data_has_changed).
  void writes_done(bool success);

  // The model's state, opaque (hid_ups_impl.h, private to this library).
  struct Impl;

 private:
  explicit HidUps(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace walnut::mapping
