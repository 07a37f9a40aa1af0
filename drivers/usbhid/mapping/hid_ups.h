// The device model of usbhid-ups: a parsed report descriptor plus a subdriver mapping, turning
// report bytes into NUT variables and ups.status, and instcmd/setvar into SET_REPORT bytes.
// Pure code, no I/O: the driver (ups_device.h) does the USB transfers the model asks for.
//
// One class, implemented by concept:
// - claim and identity (hid_ups_claim.cpp): the mapping's rows resolved against the descriptor,
//   the claim's hooks and descriptor fix, what NUT publishes about the device before any walk;
// - the walk (hid_ups_walk.cpp): the report cache, the init/quick/full walks, interrupt
//   routing and the ups.status/ups.alarm commit;
// - commands (hid_ups_commands.cpp): instcmd/setvar as plans of SET_REPORT writes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/mapping/command_plan.h"
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/mapping.h"
#include "drivers/usbhid/mapping/model_options.h"

namespace walnut::hid {
struct ReportDescriptor;
}

namespace walnut::mapping {

// NUT's walk modes (usbhid-ups.c hid_ups_walk).
enum class WalkMode { kInit, kQuick, kFull };

// StringLookup (USB string descriptor by index) is declared in converter.h.

class HidUps {
 public:
  // --- Claim and identity (hid_ups_claim.cpp) ---

  // Builds the model: applies the mapping's descriptor fix (NUT's fix_report_desc, unless
  // options.disable_fix_report_desc) to a private copy of the descriptor, runs the hook of the
  // claim that matches `identity`, and resolves every mapping row's path against the descriptor
  // with the mapping's usage table (rows whose path the device lacks are dropped, as NUT drops
  // them).
  static Result<std::unique_ptr<HidUps>> create(const hid::ReportDescriptor& descriptor,
                                                Mapping mapping, DeviceIdentity identity,
                                                ModelOptions options, StringLookup strings);
  ~HidUps();
  HidUps(const HidUps&) = delete;
  HidUps& operator=(const HidUps&) = delete;

  const Mapping& mapping() const;

  // Publishes what NUT publishes before the first walk: override.*/default.* first, then
  // ups.mfr/model/serial, ups.firmware(.aux) for APC, ups.vendorid/productid.
  void publish_identity(UpsState& state) const;

  // --- The walk (hid_ups_walk.cpp) ---

  // Feature report IDs (ascending) whose items the given walk reads: GET each, then pass the
  // bytes to on_report() (or on_report_failed()) before calling walk(). NUT re-reads a report
  // only when its copy is older than pollinterval; re-reading every time is also correct.
  // `skip_interrupt_fed`: a quick walk leaves out the reports whose every quick item the device
  // also sends on its interrupt pipe (an Input twin of the same path), as the pipe already keeps
  // them fresh; the full walk every pollfreq still GETs them (the silent-pipe cross-check).
  std::vector<std::uint8_t> reports_for_walk(WalkMode mode, bool skip_interrupt_fed = false) const;
  // Total report length in bytes, report ID byte included (NUT's replen + 1).
  std::size_t report_length(std::uint8_t report_id) const;
  // How many bytes a GET_REPORT asks for: report_length(), or with max_report_size NUT's
  // sizeof(rbuf->data[id]) (libhid.c refresh_report_buffer; the size of a pointer, as NUT
  // keeps the buffers behind pointers).
  std::size_t request_length(std::uint8_t report_id) const;

  // A GET_REPORT answer: `bytes` as on the wire, byte 0 = report ID. Short answers are kept
  // as far as they go (like NUT, the rest keeps its old bits); longer ones are cut.
  void on_report(std::uint8_t report_id, std::span<const std::uint8_t> bytes);
  // The GET failed (stall, timeout): the next walk skips this report's items.
  void on_report_failed(std::uint8_t report_id);
  // An interrupt-IN report (byte 0 = report ID): filed like a GET answer, then every Input
  // item of it is routed to its table row at once (NUT's HIDGetEvents path), updating
  // variables and status bits in `state`; ups.status itself is recomposed by the next walk.
  void on_interrupt(std::span<const std::uint8_t> bytes, UpsState& state);

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
  // NUT's data_has_changed: a setvar/instcmd wrote something, so the next walk must be a full
  // one that re-reads the semi-static rows.
  bool full_walk_requested() const;

  // --- Commands (hid_ups_commands.cpp) ---

  // Instant commands NUT would offer after init (advertised with add_cmd by init() too).
  std::vector<std::string> commands() const;
  // NUT's instcmd(): beeper.on/off renamed, load.on/load.off/shutdown.return/shutdown.stayoff
  // composites, value = `value` or the row's default, converted by the row's lookup.
  CommandPlan instcmd(std::string_view name, std::optional<std::string_view> value,
                      UpsState& state);
  // NUT's setvar(): RW rows only; driver-side (absent) variables are set in `state` directly.
  CommandPlan setvar(std::string_view name, std::string_view value, UpsState& state);
  // After sending a plan's writes: `wrote` when at least one of them went through (NUT sets
  // data_has_changed after each successful write), which makes the next walk a full one.
  void writes_done(bool wrote);

  // The model's state, opaque (hid_ups_impl.h, private to this library).
  struct Impl;

 private:
  explicit HidUps(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace walnut::mapping
