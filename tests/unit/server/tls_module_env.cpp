// Points the server tests at the build's walnut-tls.so (server/tls_module_loader.h): test
// programs live in build/tests, not beside it. A value already in the environment wins.
#include <cstdlib>

namespace {
const int kSet = ::setenv("WALNUT_TLS_MODULE", WALNUT_TLS_MODULE_FILE, 0);
}  // namespace
