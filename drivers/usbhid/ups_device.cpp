// UpsDevice: opening and matching, subdriver choice, and the report I/O around the model.
#include "drivers/usbhid/ups_device.h"

#include <functional>
#include <thread>
#include <utility>

#include "common/log.h"
#include "drivers/usbhid/device_capture.h"
#include "drivers/usbhid/mapping_file.h"
#include "drivers/usbhid/mapping/status.h"
#include "drivers/usbhid/mapping/subdriver.h"
#include "drivers/usbhid/transport/usb_match.h"

namespace walnut::usbhid {
namespace {

// NUT reads at most this much per interrupt transfer (libhid.c's report buffer).
constexpr std::size_t kInterruptBufferBytes = 512;
// Timed-out GET_REPORTs asked again per walk (docs/field-failures.md #3).
constexpr int kWalkRetries = 2;

std::optional<std::string> non_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

mapping::ModelOptions model_options_from(const DriverOptions& options) {
  auto value = [&options](const char* key) -> std::optional<std::string> {
    auto found = options.values.find(key);
    if (found == options.values.end()) return std::nullopt;
    return found->second;
  };
  mapping::ModelOptions model;
  model.lowbatt = value("lowbatt");
  model.ondelay = value("ondelay");
  model.offdelay = value("offdelay");
  model.onlinedischarge =
      options.values.count("onlinedischarge") != 0 || options.values.count("onlinedischarge_onbattery") != 0;
  model.onlinedischarge_calibration = options.values.count("onlinedischarge_calibration") != 0;
  model.onlinedischarge_log_throttle_sec = options.onlinedischarge_log_throttle_sec;
  model.onlinedischarge_log_throttle_hovercharge = options.onlinedischarge_log_throttle_hovercharge;
  model.lbrb_log_delay_sec = options.lbrb_log_delay_sec.value_or(0);
  model.lbrb_log_delay_without_calibrating =
      options.values.count("lbrb_log_delay_without_calibrating") != 0;
  model.interruptonly = options.interrupt_only;
  model.disable_fix_report_desc = options.disable_fix_report_desc;
  // The APC claim hook adds NUT's auto-quirk in HidUps::create().
  model.max_report_size = options.max_report;
  model.overrides = options.overrides;
  model.defaults = options.defaults;
  return model;
}

UpsDevice::UpsDevice(std::unique_ptr<Transport> transport, DriverOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {}

UpsDevice::~UpsDevice() = default;

bool UpsDevice::is_open() const { return transport_->is_open(); }

void UpsDevice::close() { transport_->close(); }

void UpsDevice::release_descriptor() {
  if (!model_) return;
  descriptor_.reset();
  std::vector<std::uint8_t>().swap(descriptor_bytes_);
}

bool UpsDevice::is_lost(IoStatus status) const {
  return status == IoStatus::kDeviceGone || status == IoStatus::kIoError;
}

bool UpsDevice::interrupts_enabled() const {
  return !options_.poll_only && !interrupt_pipe_disabled_;
}

Status UpsDevice::open(bool with_model) {
  if (auto opened = transport_->open(options_.match); !opened) return opened;
  const DeviceInfo& info = transport_->info();
  log::debug(1, "Opened device {:04x}:{:04x} ({})", info.vendor_id, info.product_id, info.path);
  auto bytes = transport_->report_descriptor();
  if (!bytes) return Error{"Unable to get HID descriptor: " + bytes.error()};
  descriptor_bytes_ = std::move(*bytes);
  auto parsed = hid::parse_report_descriptor(descriptor_bytes_);
  if (!parsed) return Error{"Unable to parse the report descriptor: " + parsed.error()};
  descriptor_ = std::make_unique<hid::ReportDescriptor>(std::move(*parsed));
  // The subdriver's descriptor fix (NUT's fix_report_desc) is the model's: HidUps::create()
  // applies it to its copy, unless disable_fix_report_desc.
  if (auto chosen = choose_subdriver(); !chosen) return chosen;
  exact_ = exact_criteria(info);
  if (!with_model) return Ok{};
  return build_model();
}

Status UpsDevice::choose_subdriver() {
  const DeviceInfo& info = transport_->info();
  mapping::SelectionRequest request;
  request.vendor_id = info.vendor_id;
  request.product_id = info.product_id;
  request.vendor = non_empty(info.vendor);
  request.product = non_empty(info.product);
  request.subdriver = options_.subdriver;
  request.productid_option = options_.match.product_id.has_value();
  request.explore = options_.explore;
  auto selection = mapping::select_subdriver(request);
  if (!selection && !options_.subdriver) {
    return Error{selection.error() + "\n" + unclaimed_device_hint(info.vendor_id, info.product_id)};
  }
  if (!selection) return Error{selection.error()};
  subdriver_key_ = selection->key;
  interrupt_pipe_disabled_ = selection->quirks.disable_interrupt_pipe;
  max_report_ = options_.max_report || selection->quirks.max_report_size;
  if (selection->quirks.interrupt_only) options_.interrupt_only = true;
  if (selection->quirks.interrupt_size != 0) options_.interrupt_size = selection->quirks.interrupt_size;
  log::info("Using subdriver: {}", selection->version);
  apply_driver_defaults(selection->driver);
  usage_table_ = hid::UsageTable::find(selection->usage_table);
  if (usage_table_ == nullptr) usage_table_ = hid::UsageTable::find("explore");
  if (usage_table_ == nullptr) return Error{"no usage table for subdriver " + subdriver_key_};
  return Ok{};
}

// NUT 2.8.5's driver core treats CPS devices apart (usbhid-ups.c:1593-1663); the mapping says
// so in its `driver:` section, and the user's own settings always win.
void UpsDevice::apply_driver_defaults(const mapping::Mapping::DriverDefaults& defaults) {
  const auto given = [this](const char* key) { return options_.values.count(key) != 0; };
  if (defaults.pollfreq && !given("pollfreq")) {
    log::info("Defaulting 'pollfreq' to {} for {} devices", *defaults.pollfreq, subdriver_key_);
    options_.poll_freq = std::chrono::seconds(*defaults.pollfreq);
  }
  if (defaults.delays_in_minutes) {
    const mapping::ModelOptions delays = model_options_from(options_);
    const auto seconds = [](const std::optional<std::string>& text) -> std::optional<long> {
      if (!text) return std::nullopt;
      return std::strtol(text->c_str(), nullptr, 10);
    };
    if (auto on = seconds(delays.ondelay); on && (*on < 60 || *on % 60 != 0)) {
      log::warning("CPS devices tend to round delays by 60 sec down (ondelay=120 is the suggested "
                   "minimum; see more in the man page)");
    }
    if (auto off = seconds(delays.offdelay); off && *off > 0 && (*off < 60 || *off % 60 != 0)) {
      log::warning("CPS devices tend to round delays by 60 sec down (offdelay=60 is the suggested "
                   "minimum; see more in the man page)");
    }
  }
  if (defaults.suggest_pollonly && !options_.poll_only) {
    log::warning("You may want to set 'pollonly' flag on CPS devices");
  }
}

Status UpsDevice::build_model() {
  Result<mapping::Mapping> loaded = Error{""};
  if (options_.mapping_file) {
    loaded = load_mapping_file(*options_.mapping_file);
  } else {
    loaded = mapping::builtin_mapping(subdriver_key_);
  }
  if (!loaded) return Error{loaded.error()};
  const DeviceInfo& info = transport_->info();
  mapping::DeviceIdentity identity{info.vendor_id, info.product_id, non_empty(info.vendor),
                                   non_empty(info.product), non_empty(info.serial)};
  mapping::ModelOptions model_options = model_options_from(options_);
  if (!options_.lbrb_log_delay_sec && mapping::apc_defaults_lbrb_delay(info.vendor, info.product)) {
    model_options.lbrb_log_delay_sec = 3;
    log::info("Defaulting lbrb_log_delay_sec=3 for {} model {}", info.vendor, info.product);
  }
  Transport* transport = transport_.get();
  mapping::StringLookup strings = [transport](int index) -> std::optional<std::string> {
    auto text = transport->string_descriptor(index);
    if (!text) return std::nullopt;
    return *text;
  };
  auto model = mapping::HidUps::create(*descriptor_, std::move(*loaded), identity,
                                       std::move(model_options), std::move(strings));
  if (!model) return Error{model.error()};
  model_ = std::move(*model);
  return Ok{};
}

Status UpsDevice::reattach() {
  transport_->close();
  if (!exact_) return open(true);
  return transport_->open(*exact_);
}

Status UpsDevice::init(UpsState& state) {
  model_->publish_identity(state);
  if (walk(mapping::WalkMode::kInit, state) == LinkStatus::kLost) {
    return Error{"Can't initialize data from HID UPS (device lost)"};
  }
  return Ok{};
}

std::optional<std::vector<std::uint8_t>> UpsDevice::get_report(std::uint8_t report_id,
                                                               std::size_t length) {
  if (length == 0) {
    length = model_ ? model_->request_length(report_id) : descriptor_->buffer_size(report_id);
  }
  std::vector<std::uint8_t> buffer(std::max<std::size_t>(length, 1), 0);
  const IoResult result = transport_->get_feature_report(report_id, buffer);
  if (result.status != IoStatus::kOk) return std::nullopt;
  buffer.resize(result.size);
  return buffer;
}

void UpsDevice::walk_cached(mapping::WalkMode mode, UpsState& state) { model_->walk(mode, state); }

LinkStatus UpsDevice::walk(mapping::WalkMode mode, UpsState& state, bool trust_interrupt_pipe) {
  // As NUT 2.8.5's hid_ups_walk (usbhid-ups.c:2415, 2517): an I/O error on one report is a
  // firmware or bus hiccup, skipped like a timeout or a stall; a walk in which nothing answered
  // (not even the last report that failed with EIO, asked once more) means the device is gone. Reopening on every EIO made the data
  // flap between stale and OK (docs/field-failures.md #3). walnut also applies the rule to the
  // init walk, so DATAOK never follows a walk that read nothing.
  bool io_error = false;
  std::size_t answered = 0;
  std::optional<std::uint8_t> last_failed;
  int retries = 0;
  const bool skip_interrupt_fed = trust_interrupt_pipe && interrupts_enabled();
  for (std::uint8_t id : model_->reports_for_walk(mode, skip_interrupt_fed)) {
    std::vector<std::uint8_t> buffer(std::max<std::size_t>(model_->request_length(id), 1), 0);
    IoResult result = transport_->get_feature_report(id, buffer);
    // A slow or busy bus (docs/field-failures.md #3): a GET_REPORT that timed out (after NUT's
    // 5 s) is asked once more before its values miss this walk, at most kWalkRetries times a
    // walk so that a device that stopped answering cannot hold the walk for minutes.
    while (result.status == IoStatus::kTimeout && retries < kWalkRetries) {
      ++retries;
      log::debug(2, "GET_REPORT 0x{:02x} timed out: asking again", id);
      result = transport_->get_feature_report(id, buffer);
    }
    if (result.status == IoStatus::kDeviceGone) return LinkStatus::kLost;
    if (result.status == IoStatus::kOk) {
      ++answered;
      model_->on_report(id, std::span(buffer).first(result.size));
    } else {
      if (result.status == IoStatus::kIoError) {
        io_error = true;
        last_failed = id;
        log::debug(3, "I/O error on report 0x{:02x}: skipping", id);
      }
      model_->on_report_failed(id);
    }
  }
  // A quick poll asks only what the interrupt pipe does not bring, often one report: one
  // transient error there is no disconnect (docs/field-failures.md #3). Ask that report once
  // more, as a timed-out one is, before calling the device gone.
  if (io_error && answered == 0 && last_failed) {
    if (auto again = get_report(*last_failed)) {
      log::debug(2, "GET_REPORT 0x{:02x} answered when asked again", *last_failed);
      ++answered;
      model_->on_report(*last_failed, *again);
    }
  }
  if (io_error && answered == 0) {
    log::debug(1, "Got zero successful data polls - device may be disconnected");
    return LinkStatus::kLost;
  }
  if (mode == mapping::WalkMode::kInit) {
    if (auto initialized = model_->init(state); !initialized) {
      log::error("{}", initialized.error());
      return LinkStatus::kLost;
    }
    return LinkStatus::kOk;
  }
  model_->walk(mode, state);
  return LinkStatus::kOk;
}

LinkStatus UpsDevice::read_interrupt(std::chrono::milliseconds timeout, UpsState& state) {
  std::vector<std::uint8_t> buffer(options_.interrupt_size.value_or(kInterruptBufferBytes), 0);
  const IoResult result = transport_->read_interrupt(buffer, timeout);
  last_read_got_report_ = false;
  if (is_lost(result.status)) return LinkStatus::kLost;
  const bool got_report = result.status == IoStatus::kOk && result.size > 0;
  last_read_got_report_ = got_report;
  if (got_report) {
    log::debug(2, "Got interrupt report 0x{:02x} ({} bytes)", buffer[0], result.size);
    model_->on_interrupt(std::span(buffer).first(result.size), state);
  }
  // ups.status from the report's bits now, not after the walk that follows: a mains change
  // reaches upsd without waiting for the GETs (the walk recomposes it the same way). One
  // report per update, as NUT reads them: draining the queue here broke its event order.
  if (got_report) model_->commit_status(state);
  return LinkStatus::kOk;
}

bool UpsDevice::full_walk_requested() const { return model_->full_walk_requested(); }

PlanResult send_plan(Transport& transport, const mapping::CommandPlan& plan,
                     const std::function<bool(IoStatus)>& is_lost) {
  PlanResult result;
  bool failed = false;
  for (const auto& write : plan.writes) {
    if (write.delay_before.count() > 0) std::this_thread::sleep_for(write.delay_before);
    const IoResult sent = transport.set_feature_report(write.report_id, write.bytes);
    if (sent.status == IoStatus::kOk) {
      result.wrote = true;
      continue;
    }
    result.lost = result.lost || is_lost(sent.status);
    if (write.ignore_failure) continue;  // NUT ignores this one's answer (setvar ups.start.auto)
    failed = true;
    break;
  }
  result.status = static_cast<int>(failed ? plan.on_write_failure : plan.status);
  return result;
}

int UpsDevice::run_plan(const mapping::CommandPlan& plan, bool& lost) {
  const PlanResult result = send_plan(*transport_, plan, [this](IoStatus status) { return is_lost(status); });
  model_->writes_done(result.wrote);
  lost = result.lost;
  return result.status;
}

int UpsDevice::instcmd(std::string_view name, std::optional<std::string_view> value,
                       UpsState& state, bool& lost) {
  return run_plan(model_->instcmd(name, value, state), lost);
}

int UpsDevice::setvar(std::string_view name, std::string_view value, UpsState& state,
                      bool& lost) {
  return run_plan(model_->setvar(name, value, state), lost);
}

}  // namespace walnut::usbhid
