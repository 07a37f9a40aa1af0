// The device side of usbhid-ups: one transport, the parsed descriptor and the HID->NUT model,
// and the I/O that feeds the model (walks, interrupt reads, command writes). It writes into the
// working UpsState its caller owns; it never touches sockets. Used from one thread at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/driver_options.h"
#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/hid/usage_table.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/mapping.h"
#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

// The device model's options from the driver's (ModelOptions fields are NUT's setting names);
// the claim's hook adds its own (max_report_size) in HidUps::create().
mapping::ModelOptions model_options_from(const DriverOptions& options);

// How an I/O step went, as the driver loop needs to know it.
enum class LinkStatus { kOk, kLost };

// A command plan sent: NUT's answer (0 handled, 1 unknown, ...), whether any write went through
// (NUT's data_has_changed) and whether the device went away (`is_lost` of a write's status).
struct PlanResult {
  int status = 0;
  bool wrote = false;
  bool lost = false;
};
// Sends a plan's writes in order as NUT's instcmd()/setvar() do (see mapping::CommandPlan): a
// failed write stops the plan and answers on_write_failure, unless it is marked ignore_failure.
PlanResult send_plan(Transport& transport, const mapping::CommandPlan& plan,
                     const std::function<bool(IoStatus)>& is_lost);

class UpsDevice {
 public:
  UpsDevice(std::unique_ptr<Transport> transport, DriverOptions options);
  ~UpsDevice();
  UpsDevice(const UpsDevice&) = delete;
  UpsDevice& operator=(const UpsDevice&) = delete;

  // First open (NUT's upsdrv_initups): the first device matching the options, its report
  // descriptor parsed, the subdriver chosen (the `subdriver`/`explore` options first) and its
  // mapping loaded (`mapping=FILE` replaces it). Remembers the device's identity so reattach()
  // takes only the same UPS. Without `with_model`, stops after the descriptor (explore, capture).
  Status open(bool with_model = true);
  // Reopens after a loss with NUT's exact matcher (same ids and strings); the parsed descriptor
  // and the model are kept, as NUT keeps them.
  Status reattach();
  void close();
  bool is_open() const;
  // Serving reads only the model's own copy of the descriptor (HidUps, its fix applied): the
  // device's parsed copy and its bytes go (~13 kB of heap; issue 19), until a reopen without
  // the exact matcher parses them again. Nothing without a model.
  void release_descriptor();

  // What NUT publishes before the first walk, then the init walk (upsdrv_initinfo).
  // REQUIRES: open(true) succeeded.
  Status init(UpsState& state);
  // One interrupt read (and the reports already queued behind it): each goes to the model at
  // once, then ups.status is recomposed from them (the caller publishes before walking).
  LinkStatus read_interrupt(std::chrono::milliseconds timeout, UpsState& state);
  // Whether the last read_interrupt() got a report (NUT's evtCount > 0), changed or not.
  bool last_read_got_report() const { return last_read_got_report_; }
  // GETs the walk's reports, then lets the model walk (and compose ups.status).
  // `trust_interrupt_pipe`: a quick walk skips what the interrupt pipe delivers
  // (HidUps::reports_for_walk); ignored when the pipe is not used.
  LinkStatus walk(mapping::WalkMode mode, UpsState& state, bool trust_interrupt_pipe = false);
  // The model's walk over the reports as last read, with no transfer: the first update right
  // after init(), whose walk has just read every report.
  void walk_cached(mapping::WalkMode mode, UpsState& state);
  bool full_walk_requested() const;

  // INSTCMD / SET: NUT's status codes (0 handled, 1 unknown, 2 invalid, 3 failed,
  // 4 conversion failed); `lost` is set when the device went away during the writes.
  int instcmd(std::string_view name, std::optional<std::string_view> value, UpsState& state,
              bool& lost);
  int setvar(std::string_view name, std::string_view value, UpsState& state, bool& lost);

  Transport& transport() { return *transport_; }
  const DriverOptions& options() const { return options_; }
  // REQUIRES: open() succeeded, and no release_descriptor() since (explore and capture read it
  // before the driver serves).
  const hid::ReportDescriptor& descriptor() const { return *descriptor_; }
  const hid::UsageTable& usage_table() const { return *usage_table_; }
  const std::string& subdriver_key() const { return subdriver_key_; }
  const std::vector<std::uint8_t>& descriptor_bytes() const { return descriptor_bytes_; }
  bool interrupts_enabled() const;
  // Whether GET_REPORTs use NUT's maxreport length (the option or the APC auto-quirk; the
  // model's HidUps::request_length() applies it).
  bool max_report() const { return max_report_; }

  // GET_REPORT(Feature) through the transport, `length` bytes asked (0: the descriptor's).
  std::optional<std::vector<std::uint8_t>> get_report(std::uint8_t report_id,
                                                      std::size_t length = 0);

 private:
  Status choose_subdriver();
  void apply_driver_defaults(const mapping::Mapping::DriverDefaults& defaults);
  Status build_model();
  int run_plan(const mapping::CommandPlan& plan, bool& lost);
  bool is_lost(IoStatus status) const;

  std::unique_ptr<Transport> transport_;
  DriverOptions options_;
  std::optional<MatchCriteria> exact_;
  std::vector<std::uint8_t> descriptor_bytes_;
  std::unique_ptr<hid::ReportDescriptor> descriptor_;
  const hid::UsageTable* usage_table_ = nullptr;
  std::string subdriver_key_;
  bool interrupt_pipe_disabled_ = false;
  bool last_read_got_report_ = false;
  bool max_report_ = false;  // maxreport, or NUT's APC auto-quirk
  std::unique_ptr<mapping::HidUps> model_;
};

}  // namespace walnut::usbhid
