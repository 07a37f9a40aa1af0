// dlopen()s walnut-tls.so (see tls_module_loader.h).
#include "server/tls_module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/posix_files.h"

namespace walnut::server {
namespace {

constexpr const char* kModuleName = "walnut-tls.so";

std::vector<std::string> candidates() {
  std::vector<std::string> paths;
  // Set by tests whose programs do not sit beside it (build/tests/...). Absolute paths only:
  // dlopen() would look a bare name up in the library search path.
  if (const char* path = std::getenv("WALNUT_TLS_MODULE"); path != nullptr && *path == '/') {
    paths.emplace_back(path);
  }
  if (std::optional<std::string> beside = beside_this_program(kModuleName)) {
    paths.push_back(std::move(*beside));
  }
#ifdef WALNUT_TLS_MODULE_PATH
  paths.emplace_back(WALNUT_TLS_MODULE_PATH);  // the install's, for an upsd run from elsewhere
#endif
  return paths;
}

std::string dl_error() {
  const char* text = ::dlerror();
  return text != nullptr ? text : "unknown dlopen error";
}

// Looks `name` up in the module, or says why not.
template <typename Function>
Status look_up(void* handle, const std::string& path, const char* name, Function& function) {
  ::dlerror();
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) return Error{fmt::format("{}: {}", path, dl_error())};
  function = reinterpret_cast<Function>(symbol);
  return Ok{};
}

}  // namespace

Result<TlsModule> open_tls_module(const std::string& path) {
  // Never closed: contexts and sessions live until the process ends.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return Error{fmt::format("cannot load {}: {}", path, dl_error())};
  decltype(&walnut_tls_abi_version) abi_version = nullptr;
  TlsModule module{};
  Status status = look_up(handle, path, "walnut_tls_abi_version", abi_version);
  if (status && abi_version() != WALNUT_TLS_ABI_VERSION) {
    status = Error{fmt::format("{}: ABI version {}, this upsd needs {} (install the module built "
                               "with it)",
                               path, abi_version(), WALNUT_TLS_ABI_VERSION)};
  }
  if (status) status = look_up(handle, path, "walnut_tls_context_new", module.context_new);
  if (status) status = look_up(handle, path, "walnut_tls_context_free", module.context_free);
  if (status) status = look_up(handle, path, "walnut_tls_session_new", module.session_new);
  if (status) status = look_up(handle, path, "walnut_tls_session_free", module.session_free);
  if (status) status = look_up(handle, path, "walnut_tls_receive", module.receive);
  if (status) status = look_up(handle, path, "walnut_tls_send", module.send);
  if (status) status = look_up(handle, path, "walnut_tls_handshake_done", module.handshake_done);
  if (status) status = look_up(handle, path, "walnut_tls_peer_subject", module.peer_subject);
  if (!status) {
    ::dlclose(handle);
    return Error{status.error()};
  }
  return module;
}

Result<const TlsModule*> load_tls_module() {
  static std::optional<TlsModule> loaded;  // upsd is single-threaded: no lock
  if (loaded) return &*loaded;
  const std::vector<std::string> paths = candidates();
  for (const std::string& path : paths) {
    if (::access(path.c_str(), F_OK) != 0) continue;
    // The first module found is the one used: a broken one is an error, not a reason to fall
    // back to another build's.
    auto module = open_tls_module(path);
    if (!module) return Error{fmt::format("TLS module: {}", module.error())};
    loaded = *module;
    return &*loaded;
  }
  return Error{fmt::format("TLS module {} not found (looked for {}): CERTFILE needs it for STARTTLS",
                           kModuleName, fmt::join(paths, ", "))};
}

}  // namespace walnut::server
