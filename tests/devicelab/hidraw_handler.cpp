// The emulated UPS's hidraw node (see hidraw_handler.h).

#include "tests/devicelab/hidraw_handler.h"

#include <linux/hidraw.h>
#include <sys/ioctl.h>
#include <umockdev.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>

namespace walnut::devicelab {

namespace {

constexpr unsigned kNrDescriptorSize = 0x01;
constexpr unsigned kNrDescriptor = 0x02;
constexpr unsigned kNrRawInfo = 0x03;
constexpr unsigned kNrRawName = 0x04;
constexpr unsigned kNrRawPhys = 0x05;
constexpr unsigned kNrSetFeature = 0x06;
constexpr unsigned kNrGetFeature = 0x07;
constexpr unsigned kNrRawUniq = 0x08;

// Resolves `length` bytes of the ioctl argument; the result is written back on complete.
UMockdevIoctlData* resolve(UMockdevIoctlClient* client, std::size_t length) {
  GError* error = nullptr;
  UMockdevIoctlData* data =
      umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, length, &error);
  if (error != nullptr) g_error_free(error);
  return data;
}

// Copies `bytes` into the argument buffer (at most its size) and completes with the count.
void answer(UMockdevIoctlClient* client, std::size_t size, const void* bytes, std::size_t count) {
  UMockdevIoctlData* data = resolve(client, size);
  if (data == nullptr) return umockdev_ioctl_client_complete(client, -1, EFAULT);
  const std::size_t n = std::min(count, size);
  std::memcpy(data->data, bytes, n);
  umockdev_ioctl_client_complete(client, static_cast<long>(n), 0);
  g_object_unref(data);
}

}  // namespace

HidrawHandler::HidrawHandler(std::shared_ptr<EmulatedUps> ups) : ups_(std::move(ups)) {
  base_ = static_cast<UMockdevIoctlBase*>(g_object_new(UMOCKDEV_TYPE_IOCTL_BASE, nullptr));
  g_signal_connect(base_, "handle-ioctl", G_CALLBACK(&HidrawHandler::on_ioctl), this);
  g_signal_connect(base_, "handle-read", G_CALLBACK(&HidrawHandler::on_read), this);
}

HidrawHandler::~HidrawHandler() {
  g_signal_handlers_disconnect_by_data(base_, this);
  g_object_unref(base_);
}

int HidrawHandler::on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, void* self) {
  static_cast<HidrawHandler*>(self)->handle_ioctl(client);
  return TRUE;
}

int HidrawHandler::on_read(UMockdevIoctlBase*, UMockdevIoctlClient* client, void* self) {
  static_cast<HidrawHandler*>(self)->handle_read(client);
  return TRUE;
}

void HidrawHandler::set_master_fd(int master_fd) {
  std::lock_guard lock(mutex_);
  master_fd_ = master_fd;
  if (ups_->has_interrupt()) ring();
}

void HidrawHandler::notify_interrupts() {
  std::lock_guard lock(mutex_);
  if (ups_->has_interrupt()) ring();
}

void HidrawHandler::disconnect() {
  std::lock_guard lock(mutex_);
  disconnected_ = true;
  ring();  // wake a reader blocked in poll() so it sees the device go
}

void HidrawHandler::ring() {
  if (rung_ || master_fd_ < 0) return;
  const char doorbell = 0;
  if (::write(master_fd_, &doorbell, 1) == 1) rung_ = true;
}

void HidrawHandler::handle_read(UMockdevIoctlClient* client) {
  std::lock_guard lock(mutex_);
  // The real read swallows the doorbell byte(s) waiting in the PTY.
  if (rung_) {
    int error = 0;
    GError* gerror = nullptr;
    umockdev_ioctl_client_execute(client, &error, &gerror);
    if (gerror != nullptr) g_error_free(gerror);
    rung_ = false;
  }
  if (disconnected_) return umockdev_ioctl_client_complete(client, -1, EIO);
  auto report = ups_->take_interrupt();
  if (!report) return umockdev_ioctl_client_complete(client, -1, EAGAIN);
  UMockdevIoctlData* buffer = umockdev_ioctl_client_get_arg(client);
  const std::size_t n = std::min(report->size(), static_cast<std::size_t>(buffer->data_len));
  std::memcpy(buffer->data, report->data(), n);
  if (ups_->has_interrupt()) ring();
  umockdev_ioctl_client_complete(client, static_cast<long>(n), 0);
}

namespace {

// Completes a feature request `delay` from now (a slow bus), on umockdev's worker context so that
// the other devices' requests are served meanwhile; `data` (already filled) goes back with it.
void complete_after(UMockdevIoctlClient* client, UMockdevIoctlData* data, std::chrono::milliseconds delay,
                    long result, int error) {
  if (delay.count() <= 0) {
    umockdev_ioctl_client_complete(client, result, error);
    return g_object_unref(data);
  }
  struct Held {
    UMockdevIoctlClient* client;
    UMockdevIoctlData* data;
    long result;
    int error;
  };
  g_object_ref(client);
  auto* held = new Held{client, data, result, error};
  GMainContext* context = g_main_context_ref_thread_default();
  GSource* source = g_timeout_source_new(static_cast<guint>(delay.count()));
  g_source_set_callback(
      source,
      [](gpointer pointer) -> gboolean {
        auto* h = static_cast<Held*>(pointer);
        umockdev_ioctl_client_complete(h->client, h->result, h->error);
        g_object_unref(h->data);
        g_object_unref(h->client);
        delete h;
        return G_SOURCE_REMOVE;
      },
      held, nullptr);
  g_source_attach(source, context);
  g_source_unref(source);
  g_main_context_unref(context);
}

}  // namespace

void HidrawHandler::handle_ioctl(UMockdevIoctlClient* client) {
  std::lock_guard lock(mutex_);
  if (disconnected_) return umockdev_ioctl_client_complete(client, -1, ENODEV);
  const unsigned long request = umockdev_ioctl_client_get_request(client);
  if (_IOC_TYPE(request) != 'H') return umockdev_ioctl_client_complete(client, -1, ENOTTY);
  const std::size_t size = _IOC_SIZE(request);
  const UpsImage& image = ups_->image();
  switch (_IOC_NR(request)) {
    case kNrDescriptorSize: {
      const auto length = static_cast<std::int32_t>(image.report_descriptor.size());
      UMockdevIoctlData* data = resolve(client, sizeof length);
      if (data == nullptr) return umockdev_ioctl_client_complete(client, -1, EFAULT);
      std::memcpy(data->data, &length, sizeof length);
      umockdev_ioctl_client_complete(client, 0, 0);
      return g_object_unref(data);
    }
    case kNrDescriptor: {
      hidraw_report_descriptor descriptor{};
      descriptor.size = static_cast<std::uint32_t>(
          std::min<std::size_t>(image.report_descriptor.size(), HID_MAX_DESCRIPTOR_SIZE));
      std::memcpy(descriptor.value, image.report_descriptor.data(), descriptor.size);
      UMockdevIoctlData* data = resolve(client, sizeof descriptor);
      if (data == nullptr) return umockdev_ioctl_client_complete(client, -1, EFAULT);
      std::memcpy(data->data, &descriptor, sizeof descriptor);
      umockdev_ioctl_client_complete(client, 0, 0);
      return g_object_unref(data);
    }
    case kNrRawInfo: {
      hidraw_devinfo info{};
      info.bustype = 3;  // BUS_USB
      info.vendor = static_cast<std::int16_t>(image.vendor_id);
      info.product = static_cast<std::int16_t>(image.product_id);
      UMockdevIoctlData* data = resolve(client, sizeof info);
      if (data == nullptr) return umockdev_ioctl_client_complete(client, -1, EFAULT);
      std::memcpy(data->data, &info, sizeof info);
      umockdev_ioctl_client_complete(client, 0, 0);
      return g_object_unref(data);
    }
    case kNrRawName:
    case kNrRawPhys:
    case kNrRawUniq: {
      std::string text;
      if (_IOC_NR(request) == kNrRawUniq && image.strings.count(3) != 0) text = image.strings.at(3);
      if (_IOC_NR(request) == kNrRawName) text = "Emulated UPS";
      if (_IOC_NR(request) == kNrRawPhys) text = "usb-devicelab-1/input0";
      return answer(client, size, text.c_str(), text.size() + 1);
    }
    case kNrGetFeature: {
      UMockdevIoctlData* data = resolve(client, size);
      if (data == nullptr || size == 0) return umockdev_ioctl_client_complete(client, -1, EFAULT);
      const auto delay = ups_->class_request_delay();
      if (const int error = ups_->take_failure(); error != 0) {
        return complete_after(client, data, delay.value_or(std::chrono::milliseconds(0)), -1, error);
      }
      // A slow bus that never answers: the kernel gives up with ETIMEDOUT (no answer read).
      if (!delay) return complete_after(client, data, ups_->slow_bus().hidraw_timeout, -1, ETIMEDOUT);
      const auto report = ups_->get_feature(data->data[0]);
      const std::size_t n = report ? std::min(report->size(), size) : 0;
      if (report) std::memcpy(data->data, report->data(), n);
      // An unknown report ID: the device stalls the control pipe, hidraw says EPIPE.
      return complete_after(client, data, *delay, report ? static_cast<long>(n) : -1, report ? 0 : EPIPE);
    }
    case kNrSetFeature: {
      UMockdevIoctlData* data = resolve(client, size);
      if (data == nullptr || size == 0) return umockdev_ioctl_client_complete(client, -1, EFAULT);
      const auto delay = ups_->class_request_delay();
      if (!delay) return complete_after(client, data, ups_->slow_bus().hidraw_timeout, -1, ETIMEDOUT);
      ups_->set_feature(std::span<const std::uint8_t>(data->data, size));
      return complete_after(client, data, *delay, static_cast<long>(size), 0);
    }
    default:
      return umockdev_ioctl_client_complete(client, -1, ENOTTY);
  }
}

}  // namespace walnut::devicelab
