#include "drivers/usbhid/transport/hidapi_library.h"

#include <dlfcn.h>

#include <string>

namespace walnut::usbhid {
namespace {

// hidapi's ABI, as hidapi.h declares it (Debian: libhidapi-hidraw0).
constexpr const char* kSoname = "libhidapi-hidraw.so.0";

// Binds `slot` to the library's `name`; the first name it lacks goes to `missing`.
template <typename Function>
void bind_symbol(void* handle, const char* name, Function& slot, std::string& missing) {
  slot = reinterpret_cast<Function>(::dlsym(handle, name));
  if (slot == nullptr && missing.empty()) missing = name;
}

Result<const HidapiLibrary*> load() {
  std::string tried;
  void* handle = nullptr;
#ifdef WALNUT_HIDAPI_LIBRARY
  handle = ::dlopen(WALNUT_HIDAPI_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) tried = std::string(::dlerror()) + "; ";
#endif
  if (handle == nullptr) handle = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Error{"hidapi: cannot load libhidapi-hidraw (port=hidraw needs it): " + tried +
                 ::dlerror()};
  }
  static HidapiLibrary library;
  std::string missing;
  bind_symbol(handle, "hid_init", library.init, missing);
  bind_symbol(handle, "hid_enumerate", library.enumerate, missing);
  bind_symbol(handle, "hid_free_enumeration", library.free_enumeration, missing);
  bind_symbol(handle, "hid_open_path", library.open_path, missing);
  bind_symbol(handle, "hid_close", library.close, missing);
  bind_symbol(handle, "hid_error", library.error, missing);
  bind_symbol(handle, "hid_get_feature_report", library.get_feature_report, missing);
  bind_symbol(handle, "hid_send_feature_report", library.send_feature_report, missing);
  bind_symbol(handle, "hid_read_timeout", library.read_timeout, missing);
  if (!missing.empty()) return Error{"hidapi: libhidapi-hidraw has no " + missing};
  return &library;  // the handle stays open for the process's life
}

}  // namespace

Result<const HidapiLibrary*> hidapi_library() {
  static const Result<const HidapiLibrary*> loaded = load();
  return loaded;
}

}  // namespace walnut::usbhid
