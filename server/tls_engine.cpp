// TLS over memory buffers through walnut-tls.so, so sessions keep their own non-blocking socket
// I/O. Output comes back through sinks that append to the caller's strings.
#include "server/tls_engine.h"

#include <array>
#include <new>

#include "server/tls_module_loader.h"

namespace walnut::server {
namespace {

constexpr const char* kNoSession = "TLS setup: out of memory";

struct Outputs {
  std::string* plain;
  std::string* cipher;
};

// No exception may unwind through the module's C frames: a failed append is reported instead.
int append(std::string& to, const char* data, std::size_t size) noexcept {
  try {
    to.append(data, size);
    return 0;
  } catch (const std::bad_alloc&) {
    return 1;
  } catch (const std::length_error&) {
    return 1;
  }
}

int append_plain(void* user, const char* data, std::size_t size) noexcept {
  return append(*static_cast<Outputs*>(user)->plain, data, size);
}

int append_cipher(void* user, const char* data, std::size_t size) noexcept {
  return append(*static_cast<Outputs*>(user)->cipher, data, size);
}

}  // namespace

TlsEngine::TlsEngine(const TlsContext& context)
    : module_(context.module()), session_(module_.session_new(context.handle())) {}

TlsEngine::~TlsEngine() {
  if (session_ != nullptr) module_.session_free(session_);
}

bool TlsEngine::handshake_done() const {
  return session_ != nullptr && module_.handshake_done(session_) == 1;
}

Status TlsEngine::receive(const char* data, std::size_t size, std::string& plain,
                          std::string& cipher_out) {
  if (session_ == nullptr) return Error{kNoSession};
  Outputs outputs{&plain, &cipher_out};
  std::array<char, 512> error{};
  if (module_.receive(session_, data, size, append_plain, append_cipher, &outputs, error.data(),
                      error.size()) != 0) {
    return Error{error.data()};
  }
  return Ok{};
}

Status TlsEngine::send(std::string& plain, std::string& cipher_out) {
  if (session_ == nullptr) return Error{kNoSession};
  Outputs outputs{nullptr, &cipher_out};
  std::array<char, 512> error{};
  std::size_t taken = 0;
  const int failed = module_.send(session_, plain.data(), plain.size(), &taken, append_cipher,
                                  &outputs, error.data(), error.size());
  plain.erase(0, taken);
  if (failed != 0) return Error{error.data()};
  return Ok{};
}

std::string TlsEngine::peer_subject() const {
  if (session_ == nullptr) return {};
  std::array<char, 512> buffer{};
  module_.peer_subject(session_, buffer.data(), buffer.size());
  return buffer.data();
}

}  // namespace walnut::server
