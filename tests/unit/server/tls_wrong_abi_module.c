/* A stand-in for walnut-tls.so built for another ABI: the loader must refuse it by its version
 * before looking anything else up (tls_module_loader_test.cpp). */
#include "server/tls_module/walnut_tls.h"

__attribute__((visibility("default"))) unsigned walnut_tls_abi_version(void) {
  return WALNUT_TLS_ABI_VERSION + 1u;
}
