// The device lab's USB HID UPS (see emulated_ups.h).

#include "tests/devicelab/emulated_ups.h"

#include <algorithm>

namespace walnut::devicelab {

namespace {

constexpr std::uint8_t kGetDescriptor = 0x06;
constexpr std::uint8_t kGetReport = 0x01;
constexpr std::uint8_t kSetReport = 0x09;
constexpr std::uint8_t kSetIdle = 0x0a;
constexpr std::uint8_t kFeature = 0x03;
constexpr std::uint8_t kInput = 0x01;

void put_le16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}

// push_back one at a time: g++ 12 reports a false -Warray-bounds on vector::insert of a list.
void append(Bytes& out, std::initializer_list<std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) out.push_back(b);
}

void append(Bytes& out, const Bytes& bytes) {
  for (std::uint8_t b : bytes) out.push_back(b);
}

ControlReply reply(Bytes data, std::uint16_t length) {
  if (data.size() > length) data.resize(length);
  return ControlReply{false, std::move(data)};
}

ControlReply stall() { return ControlReply{true, {}}; }

// UTF-8 to UTF-16LE code units for a string descriptor; the corpus strings are ASCII, but a
// device's strings need not be.
Bytes utf16le(const std::string& text) {
  Bytes out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t code = c;
    std::size_t extra = 0;
    if (c >= 0xf0) { code = c & 0x07; extra = 3; }
    else if (c >= 0xe0) { code = c & 0x0f; extra = 2; }
    else if (c >= 0xc0) { code = c & 0x1f; extra = 1; }
    for (std::size_t k = 1; k <= extra && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    }
    i += extra + 1;
    put_le16(out, code > 0xffff ? 0xfffd : static_cast<std::uint16_t>(code));
  }
  return out;
}

}  // namespace

SetupPacket SetupPacket::parse(std::span<const std::uint8_t, 8> b) {
  SetupPacket setup;
  setup.request_type = b[0];
  setup.request = b[1];
  setup.value = static_cast<std::uint16_t>(b[2] | (b[3] << 8));
  setup.index = static_cast<std::uint16_t>(b[4] | (b[5] << 8));
  setup.length = static_cast<std::uint16_t>(b[6] | (b[7] << 8));
  return setup;
}

EmulatedUps::EmulatedUps(UpsImage image) : image_(std::move(image)) {
  features_ = image_.feature_reports;
  for (const Bytes& report : image_.interrupts) interrupt_queue_.push_back(report);
}

Bytes EmulatedUps::device_descriptor() const {
  auto index_of = [this](int index) -> std::uint8_t {
    return image_.strings.count(index) != 0 ? static_cast<std::uint8_t>(index) : 0;
  };
  Bytes d = {18, 0x01};
  put_le16(d, 0x0110);           // bcdUSB 1.1, as most UPSes
  append(d, {0, 0, 0});  // class defined per interface
  d.push_back(8);                // bMaxPacketSize0
  put_le16(d, image_.vendor_id);
  put_le16(d, image_.product_id);
  put_le16(d, image_.bcd_device);
  append(d, {index_of(1), index_of(2), index_of(3), 1});
  return d;
}

Bytes EmulatedUps::hid_descriptor(std::uint16_t report_length) const {
  Bytes d = {9, 0x21};
  put_le16(d, 0x0110);  // bcdHID
  append(d, {0, 1, 0x22});
  put_le16(d, report_length);
  return d;
}

Bytes EmulatedUps::config_descriptor() const {
  const std::uint8_t interfaces = static_cast<std::uint8_t>(image_.hid_interface() + 1);
  Bytes d = {9, 0x02, 0, 0, interfaces, 1, 0, 0xe0, 0x32};
  for (std::uint8_t i = 0; i < image_.hid_interface(); ++i) {
    append(d, {9, 0x04, i, 0, 0, image_.leading_interfaces[i], 0, 0, 0});  // no endpoints
  }
  append(d, {9, 0x04, image_.hid_interface(), 0, 1, 0x03, 0, 0, 0});  // the UPS: HID, 1 endpoint
  const Bytes hid = hid_descriptor(static_cast<std::uint16_t>(image_.report_descriptor.size()));
  append(d, hid);
  append(d, {7, 0x05, image_.interrupt_endpoint, 0x03, 64, 0, 10});  // interrupt IN, 10 ms
  d[2] = static_cast<std::uint8_t>(d.size());  // wTotalLength
  d[3] = static_cast<std::uint8_t>(d.size() >> 8);
  return d;
}

Bytes EmulatedUps::string_descriptor(std::uint8_t index) const {
  Bytes body;
  if (index == 0) {
    put_le16(body, 0x0409);  // the only language: English (US)
  } else {
    body = utf16le(image_.strings.at(index));
  }
  Bytes d = {static_cast<std::uint8_t>(body.size() + 2), 0x03};
  append(d, body);
  return d;
}

ControlReply EmulatedUps::control(const SetupPacket& setup, std::span<const std::uint8_t> out_data) {
  std::lock_guard lock(mutex_);
  control_log_.push_back(setup);
  if ((setup.request_type & 0x60) == 0x20) {
    if (const int error = next_failure(); error != 0) return ControlReply{false, {}, error};
    ControlReply reply = class_request(setup, out_data);
    const bool got = setup.request == kGetReport && !reply.stall;
    record(got ? TimelineEvent::kGetReport : TimelineEvent::kControl,
           static_cast<std::uint8_t>(setup.value & 0xff));
    return reply;
  }
  record(TimelineEvent::kControl);
  return standard_request(setup);
}

ControlReply EmulatedUps::standard_request(const SetupPacket& setup) const {
  // HID class descriptors are asked of an interface (USB HID 1.11, 7.1.1): only the UPS's.
  const auto descriptor_type = static_cast<std::uint8_t>(setup.value >> 8);
  if (setup.request == kGetDescriptor && (setup.request_type & 0x1f) == 0x01 &&
      (descriptor_type == 0x21 || descriptor_type == 0x22) && setup.index != image_.hid_interface()) {
    return stall();
  }
  if (setup.request != kGetDescriptor) {
    // SET_CONFIGURATION, SET_INTERFACE, CLEAR_FEATURE...: accepted, nothing to send.
    return (setup.request_type & 0x80) != 0 ? stall() : ControlReply{};
  }
  const auto type = static_cast<std::uint8_t>(setup.value >> 8);
  const auto index = static_cast<std::uint8_t>(setup.value & 0xff);
  switch (type) {
    case 0x01:
      return reply(device_descriptor(), setup.length);
    case 0x02:
      return reply(config_descriptor(), setup.length);
    case 0x03:
      if (index != 0 && image_.strings.count(index) == 0) return stall();
      return reply(string_descriptor(index), setup.length);
    case 0x21:
      return reply(hid_descriptor(image_.hid_descriptor_length_on_request.value_or(
                       static_cast<std::uint16_t>(image_.report_descriptor.size()))),
                   setup.length);
    case 0x22: {
      Bytes descriptor = image_.report_descriptor;
      if (image_.report_descriptor_bytes_sent) {
        descriptor.resize(std::min(descriptor.size(), *image_.report_descriptor_bytes_sent));
      }
      return reply(std::move(descriptor), setup.length);
    }
    default:
      return stall();
  }
}

ControlReply EmulatedUps::class_request(const SetupPacket& setup,
                                        std::span<const std::uint8_t> out_data) {
  if (setup.index != image_.hid_interface()) return stall();  // another interface: not the UPS
  const auto report_type = static_cast<std::uint8_t>(setup.value >> 8);
  const auto report_id = static_cast<std::uint8_t>(setup.value & 0xff);
  if (setup.request == kGetReport && (report_type == kFeature || report_type == kInput)) {
    ++get_report_counts_[report_id];
    const auto found = features_.find(report_id);
    if (found == features_.end()) return stall();
    return reply(found->second, setup.length);
  }
  if (setup.request == kSetReport && report_type == kFeature) {
    Bytes report(out_data.begin(), out_data.end());
    if (report_id == 0) report.insert(report.begin(), 0);
    set_reports_.push_back(report);
    if (report_id != 0 && (report.empty() || report[0] != report_id)) return stall();
    features_[report_id] = std::move(report);
    return ControlReply{};
  }
  if (setup.request == kSetIdle) return ControlReply{};
  return stall();
}

std::optional<Bytes> EmulatedUps::get_feature(std::uint8_t report_id) {
  std::lock_guard lock(mutex_);
  ++get_report_counts_[report_id];
  const auto found = features_.find(report_id);
  if (found == features_.end()) return std::nullopt;
  record(TimelineEvent::kGetReport, report_id);
  return found->second;
}

void EmulatedUps::set_feature(std::span<const std::uint8_t> report) {
  if (report.empty()) return;
  std::lock_guard lock(mutex_);
  set_reports_.emplace_back(report.begin(), report.end());
  features_[report[0]] = Bytes(report.begin(), report.end());
}

std::optional<Bytes> EmulatedUps::take_interrupt() {
  std::lock_guard lock(mutex_);
  if (interrupt_queue_.empty()) return std::nullopt;
  Bytes report = std::move(interrupt_queue_.front());
  interrupt_queue_.pop_front();
  if (!report.empty()) record(TimelineEvent::kInterrupt, report[0]);
  return report;
}

bool EmulatedUps::has_interrupt() const {
  std::lock_guard lock(mutex_);
  return !interrupt_queue_.empty();
}

void EmulatedUps::queue_interrupt(Bytes report) {
  std::lock_guard lock(mutex_);
  interrupt_queue_.push_back(std::move(report));
}

void EmulatedUps::put_feature(Bytes report) {
  if (report.empty()) return;
  std::lock_guard lock(mutex_);
  const std::uint8_t id = report[0];
  features_[id] = std::move(report);
}

std::optional<Bytes> EmulatedUps::feature(std::uint8_t report_id) const {
  std::lock_guard lock(mutex_);
  const auto found = features_.find(report_id);
  if (found == features_.end()) return std::nullopt;
  return found->second;
}

std::vector<Bytes> EmulatedUps::set_reports() const {
  std::lock_guard lock(mutex_);
  return set_reports_;
}

std::vector<SetupPacket> EmulatedUps::control_log() const {
  std::lock_guard lock(mutex_);
  return control_log_;
}

std::vector<TimelineEvent> EmulatedUps::timeline() const {
  std::lock_guard lock(mutex_);
  return timeline_;
}

void EmulatedUps::note_listening(bool listening) {
  std::lock_guard lock(mutex_);
  if (listening == listening_) return;
  listening_ = listening;
  record(listening ? TimelineEvent::kListenStart : TimelineEvent::kListenEnd);
}

void EmulatedUps::record(TimelineEvent::Kind kind, std::uint8_t report_id) {
  timeline_.push_back(TimelineEvent{std::chrono::steady_clock::now(), kind, report_id});
}

int EmulatedUps::get_report_count(std::uint8_t report_id) const {
  std::lock_guard lock(mutex_);
  const auto found = get_report_counts_.find(report_id);
  return found == get_report_counts_.end() ? 0 : found->second;
}

void EmulatedUps::fail_class_requests(int count, int error) {
  std::lock_guard lock(mutex_);
  failing_class_requests_ = count;
  failure_error_ = error;
}

int EmulatedUps::next_failure() {
  if (failing_class_requests_ == 0 && std::chrono::steady_clock::now() >= failing_until_) return 0;
  if (failing_class_requests_ > 0) --failing_class_requests_;
  ++failed_requests_;
  return failure_error_;
}

int EmulatedUps::take_failure() {
  std::lock_guard lock(mutex_);
  return next_failure();
}

void EmulatedUps::fail_class_requests_for(std::chrono::milliseconds period, int error) {
  std::lock_guard lock(mutex_);
  failing_until_ = std::chrono::steady_clock::now() + period;
  failure_error_ = error;
}

void EmulatedUps::set_slow_bus(SlowBus bus) {
  std::lock_guard lock(mutex_);
  slow_bus_ = bus;
  slow_requests_ = 0;
}

SlowBus EmulatedUps::slow_bus() const {
  std::lock_guard lock(mutex_);
  return slow_bus_;
}

std::optional<std::chrono::milliseconds> EmulatedUps::class_request_delay() {
  std::lock_guard lock(mutex_);
  ++slow_requests_;
  if (slow_bus_.timeout_every > 0 && slow_requests_ % slow_bus_.timeout_every == 0) {
    ++unanswered_requests_;
    return std::nullopt;
  }
  return slow_bus_.delay;
}

int EmulatedUps::unanswered_requests() const {
  std::lock_guard lock(mutex_);
  return unanswered_requests_;
}

int EmulatedUps::failed_requests() const {
  std::lock_guard lock(mutex_);
  return failed_requests_;
}

}  // namespace walnut::devicelab
