// The emulated UPS's usbfs node (see usbfs_handler.h). URB life cycle as libusb-1.0 drives it:
// SUBMITURB, then REAPURBNDELAY until EAGAIN; DISCARDURB when a transfer times out.

#include "tests/devicelab/usbfs_handler.h"

#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <umockdev.h>

#include <cerrno>
#include <cstddef>
#include <algorithm>
#include <cstring>

namespace walnut::devicelab {

namespace {

constexpr std::size_t kUrbSize = sizeof(usbdevfs_urb);
constexpr std::size_t kSetupSize = 8;

// A resolved piece of client memory; edits to data() go back to the client on complete().
class ClientMemory {
 public:
  ClientMemory(UMockdevIoctlData* parent, std::size_t offset, std::size_t length) {
    GError* error = nullptr;
    data_ = umockdev_ioctl_data_resolve(parent, offset, length, &error);
    if (error != nullptr) g_error_free(error);
  }
  ~ClientMemory() {
    if (data_ != nullptr) g_object_unref(data_);
  }
  ClientMemory(const ClientMemory&) = delete;
  ClientMemory& operator=(const ClientMemory&) = delete;

  bool ok() const { return data_ != nullptr; }
  UMockdevIoctlData* get() const { return data_; }
  std::uint8_t* bytes() const { return data_->data; }
  std::size_t size() const { return static_cast<std::size_t>(data_->data_len); }
  std::uint64_t address() const { return data_->client_addr; }

 private:
  UMockdevIoctlData* data_ = nullptr;
};

usbdevfs_urb read_urb(const ClientMemory& memory) {
  usbdevfs_urb urb{};
  std::memcpy(&urb, memory.bytes(), kUrbSize);
  return urb;
}

void complete(UMockdevIoctlClient* client, long result, int error) {
  umockdev_ioctl_client_complete(client, result, error);
}

// Answers "nothing to reap" a millisecond later. The usbfs node is a regular file in the
// testbed, so poll() always reports it ready and libusb reaps in a tight loop while an
// interrupt transfer waits; the delay turns that spin into ~1000 round trips a second.
void complete_eagain_later(UMockdevIoctlClient* client) {
  GMainContext* context = g_main_context_ref_thread_default();
  GSource* source = g_timeout_source_new(1);
  g_object_ref(client);
  g_source_set_callback(
      source,
      [](gpointer data) -> gboolean {
        auto* waiting = static_cast<UMockdevIoctlClient*>(data);
        umockdev_ioctl_client_complete(waiting, -1, EAGAIN);
        g_object_unref(waiting);
        return G_SOURCE_REMOVE;
      },
      client, nullptr);
  g_source_attach(source, context);
  g_source_unref(source);
  g_main_context_unref(context);
}

}  // namespace

UsbfsHandler::UsbfsHandler(std::shared_ptr<EmulatedUps> ups) : ups_(std::move(ups)) {
  base_ = static_cast<UMockdevIoctlBase*>(g_object_new(UMOCKDEV_TYPE_IOCTL_BASE, nullptr));
  g_signal_connect(base_, "handle-ioctl", G_CALLBACK(&UsbfsHandler::on_ioctl), this);
  g_signal_connect(base_, "client-vanished", G_CALLBACK(&UsbfsHandler::on_vanished), this);
}

UsbfsHandler::~UsbfsHandler() {
  g_signal_handlers_disconnect_by_data(base_, this);
  g_object_unref(base_);
}

int UsbfsHandler::on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, void* self) {
  static_cast<UsbfsHandler*>(self)->handle(client);
  return TRUE;
}

void UsbfsHandler::on_vanished(UMockdevIoctlBase*, UMockdevIoctlClient* client, void* self) {
  auto* handler = static_cast<UsbfsHandler*>(self);
  std::lock_guard lock(handler->mutex_);
  handler->clients_.erase(client);
  if (handler->claimed_by_ == client) handler->claimed_by_ = nullptr;  // closed: claim released
}

void UsbfsHandler::disconnect() {
  std::lock_guard lock(mutex_);
  disconnected_ = true;
  for (auto& [client, state] : clients_) {
    if (state.pending_interrupt) {
      state.done.push_back(Completion{*state.pending_interrupt, -ESHUTDOWN, 0, 0, {}});
      state.pending_interrupt.reset();
      ups_->note_listening(false);
    }
    for (Completion& held : state.done) {
      if (held.ready_at <= std::chrono::steady_clock::now()) continue;
      held = Completion{held.urb, -ESHUTDOWN, 0, 0, {}};
    }
  }
}

bool UsbfsHandler::kernel_driver_bound() const {
  std::lock_guard lock(mutex_);
  return driver_bound_;
}

bool UsbfsHandler::interface_claimed() const {
  std::lock_guard lock(mutex_);
  return claimed_by_ != nullptr;
}

std::optional<unsigned> UsbfsHandler::claimed_interface() const {
  std::lock_guard lock(mutex_);
  return claimed_interface_;
}

std::optional<std::pair<unsigned, unsigned>> UsbfsHandler::last_set_interface() const {
  std::lock_guard lock(mutex_);
  return last_set_interface_;
}

int UsbfsHandler::ioctl_count() const {
  std::lock_guard lock(mutex_);
  return ioctl_count_;
}

void UsbfsHandler::handle(UMockdevIoctlClient* client) {
  std::lock_guard lock(mutex_);
  ++ioctl_count_;
  Client& state = clients_[client];
  const unsigned long request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  if (request == USBDEVFS_REAPURBNDELAY || request == USBDEVFS_REAPURB) return reap(client, state);
  if (disconnected_) return complete(client, -1, ENODEV);
  switch (request) {
    case USBDEVFS_SUBMITURB:
      return submit(client, state);
    case USBDEVFS_DISCARDURB:
      return discard(client, state);
    case USBDEVFS_GET_CAPABILITIES: {
      ClientMemory caps(arg, 0, sizeof(std::uint32_t));
      const std::uint32_t value = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
      if (caps.ok()) std::memcpy(caps.bytes(), &value, sizeof value);
      return complete(client, 0, 0);
    }
    case USBDEVFS_GETDRIVER: {
      if (!driver_bound_) return complete(client, -1, ENODATA);
      ClientMemory driver(arg, 0, sizeof(usbdevfs_getdriver));
      if (driver.ok()) {
        usbdevfs_getdriver answer{};
        std::memcpy(&answer, driver.bytes(), sizeof answer);
        std::strcpy(answer.driver, "usbhid");
        std::memcpy(driver.bytes(), &answer, sizeof answer);
      }
      return complete(client, 0, 0);
    }
    case USBDEVFS_IOCTL:
      return usbfs_ioctl(client);
    case USBDEVFS_CLAIMINTERFACE:
      return answer_claim(client, false, arg);
    case USBDEVFS_DISCONNECT_CLAIM:
      return answer_claim(client, true, arg);
    case USBDEVFS_RELEASEINTERFACE:
      if (claimed_by_ == client) claimed_by_ = nullptr;
      return complete(client, 0, 0);
    case USBDEVFS_SETINTERFACE: {
      ClientMemory setting(arg, 0, sizeof(usbdevfs_setinterface));
      if (setting.ok()) {
        usbdevfs_setinterface request{};
        std::memcpy(&request, setting.bytes(), sizeof request);
        last_set_interface_ = std::make_pair(request.interface, request.altsetting);
      }
      return complete(client, 0, 0);
    }
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
    case USBDEVFS_RESET:
      return complete(client, 0, 0);
    default:
      return complete(client, -1, ENOTTY);
  }
}

// With exclusive claims, one claim at a time, as usbfs: while another open file (another
// process) holds the interface, a claim fails with EBUSY.
void UsbfsHandler::answer_claim(UMockdevIoctlClient* client, bool disconnect, UMockdevIoctlData* arg) {
  if (exclusive_claims_ && claimed_by_ != nullptr && claimed_by_ != client) {
    return complete(client, -1, EBUSY);
  }
  if (!disconnect && driver_bound_) return complete(client, -1, EBUSY);
  // Which interface: CLAIMINTERFACE passes its number, DISCONNECT_CLAIM a struct holding it.
  if (disconnect) {
    ClientMemory request(arg, 0, sizeof(usbdevfs_disconnect_claim));
    if (request.ok()) {
      usbdevfs_disconnect_claim claim{};
      std::memcpy(&claim, request.bytes(), sizeof claim);
      claimed_interface_ = claim.interface;
    }
  } else {
    ClientMemory number(arg, 0, sizeof(unsigned int));
    unsigned interface = 0;
    if (number.ok()) std::memcpy(&interface, number.bytes(), sizeof(unsigned int));
    claimed_interface_ = interface;
  }
  driver_bound_ = false;
  claimed_by_ = client;
  complete(client, 0, 0);
}

void UsbfsHandler::set_exclusive_claims(bool exclusive) {
  std::lock_guard lock(mutex_);
  exclusive_claims_ = exclusive;
}

void UsbfsHandler::usbfs_ioctl(UMockdevIoctlClient* client) {
  ClientMemory command(umockdev_ioctl_client_get_arg(client), 0, sizeof(usbdevfs_ioctl));
  if (!command.ok()) return complete(client, -1, EFAULT);
  usbdevfs_ioctl request{};
  std::memcpy(&request, command.bytes(), sizeof request);
  if (request.ioctl_code == static_cast<int>(USBDEVFS_DISCONNECT)) {
    if (!driver_bound_) return complete(client, -1, ENODATA);
    driver_bound_ = false;
    return complete(client, 0, 0);
  }
  if (request.ioctl_code == static_cast<int>(USBDEVFS_CONNECT)) {
    driver_bound_ = claimed_by_ == nullptr;
    return complete(client, 0, 0);
  }
  complete(client, -1, ENOTTY);
}

void UsbfsHandler::submit(UMockdevIoctlClient* client, Client& state) {
  ClientMemory urb_memory(umockdev_ioctl_client_get_arg(client), 0, kUrbSize);
  if (!urb_memory.ok()) return complete(client, -1, EFAULT);
  const usbdevfs_urb urb = read_urb(urb_memory);
  const std::uint64_t address = urb_memory.address();
  const auto length = static_cast<std::size_t>(std::max(urb.buffer_length, 0));

  if (urb.type == USBDEVFS_URB_TYPE_CONTROL && urb.endpoint == 0 && length >= kSetupSize) {
    ClientMemory buffer(urb_memory.get(), offsetof(usbdevfs_urb, buffer), length);
    if (!buffer.ok()) return complete(client, -1, EFAULT);
    const SetupPacket setup =
        SetupPacket::parse(std::span<const std::uint8_t, 8>(buffer.bytes(), kSetupSize));
    const std::size_t data_length = std::min<std::size_t>(setup.length, length - kSetupSize);
    const bool in = (setup.request_type & 0x80) != 0;
    const std::span<const std::uint8_t> out_data(buffer.bytes() + kSetupSize,
                                                 in ? 0 : data_length);
    // A slow bus holds a class request's answer back (or forever: the host times out and
    // cancels it); the device itself has answered at once.
    std::optional<std::chrono::milliseconds> delay{std::chrono::milliseconds(0)};
    if ((setup.request_type & 0x60) == 0x20) delay = ups_->class_request_delay();
    ControlReply reply = ups_->control(setup, out_data);
    Completion done{address, reply.error != 0 ? -reply.error : reply.stall ? -EPIPE : 0, 0,
                    kSetupSize, {}};
    if (!delay) {
      done.ready_at = std::chrono::steady_clock::time_point::max();
    } else if (delay->count() > 0) {
      done.ready_at = std::chrono::steady_clock::now() + *delay;
    }
    if (!reply.stall && reply.error == 0) {
      if (in) {
        if (reply.data.size() > data_length) reply.data.resize(data_length);
        done.actual_length = static_cast<int>(reply.data.size());
        done.data = std::move(reply.data);
      } else {
        done.actual_length = static_cast<int>(data_length);
      }
    }
    state.done.push_back(std::move(done));
    return complete(client, 0, 0);
  }
  if (urb.type == USBDEVFS_URB_TYPE_INTERRUPT && urb.endpoint == ups_->image().interrupt_endpoint) {
    if (state.pending_interrupt) return complete(client, -1, EBUSY);
    if (auto report = ups_->take_interrupt()) {
      if (report->size() > length) report->resize(length);
      const int actual = static_cast<int>(report->size());
      state.done.push_back(Completion{address, 0, actual, 0, std::move(*report)});
    } else {
      state.pending_interrupt = address;
      state.pending_length = static_cast<int>(length);
      ups_->note_listening(true);
    }
    return complete(client, 0, 0);
  }
  complete(client, -1, EINVAL);
}

void UsbfsHandler::reap(UMockdevIoctlClient* client, Client& state) {
  if (state.done.empty() && state.pending_interrupt && ups_->has_interrupt()) {
    if (auto report = ups_->take_interrupt()) {
      if (report->size() > static_cast<std::size_t>(state.pending_length)) {
        report->resize(static_cast<std::size_t>(state.pending_length));
      }
      const int actual = static_cast<int>(report->size());
      state.done.push_back(Completion{*state.pending_interrupt, 0, actual, 0, std::move(*report)});
      state.pending_interrupt.reset();
      ups_->note_listening(false);
    }
  }
  const auto now = std::chrono::steady_clock::now();
  const auto ready = std::find_if(state.done.begin(), state.done.end(),
                                  [now](const Completion& c) { return c.ready_at <= now; });
  if (ready == state.done.end()) {
    if (disconnected_) return complete(client, -1, ENODEV);
    if (state.pending_interrupt || !state.done.empty()) return complete_eagain_later(client);
    return complete(client, -1, EAGAIN);
  }
  Completion done = std::move(*ready);
  state.done.erase(ready);
  // The reap argument is a pointer to the caller's `void*`: it receives the URB's address,
  // and through it we update the URB (status, actual_length) and its data buffer.
  ClientMemory slot(umockdev_ioctl_client_get_arg(client), 0, sizeof(std::uint64_t));
  if (!slot.ok()) return complete(client, -1, EFAULT);
  std::memcpy(slot.bytes(), &done.urb, sizeof done.urb);
  ClientMemory urb_memory(slot.get(), 0, kUrbSize);
  if (!urb_memory.ok()) return complete(client, -1, EFAULT);
  usbdevfs_urb urb = read_urb(urb_memory);
  urb.status = done.status;
  urb.actual_length = done.actual_length;
  std::memcpy(urb_memory.bytes(), &urb, kUrbSize);
  if (!done.data.empty()) {
    ClientMemory buffer(urb_memory.get(), offsetof(usbdevfs_urb, buffer),
                        done.data_offset + done.data.size());
    if (buffer.ok()) {
      std::memcpy(buffer.bytes() + done.data_offset, done.data.data(), done.data.size());
    }
  }
  complete(client, 0, 0);
}

void UsbfsHandler::discard(UMockdevIoctlClient* client, Client& state) {
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  std::uint64_t address = 0;
  std::memcpy(&address, arg->data, std::min<std::size_t>(sizeof address, static_cast<std::size_t>(arg->data_len)));
  for (Completion& held : state.done) {
    // A control transfer a slow bus holds back: cancelled, it ends as a timeout does.
    if (held.urb != address || held.ready_at <= std::chrono::steady_clock::now()) continue;
    held = Completion{address, -ENOENT, 0, 0, {}};
    return complete(client, 0, 0);
  }
  if (!state.pending_interrupt || *state.pending_interrupt != address) {
    return complete(client, -1, EINVAL);
  }
  state.done.push_back(Completion{address, -ENOENT, 0, 0, {}});
  state.pending_interrupt.reset();
  ups_->note_listening(false);
  complete(client, 0, 0);
}

}  // namespace walnut::devicelab
