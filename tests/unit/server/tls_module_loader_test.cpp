// Loading walnut-tls.so: the real module, and the clear errors for a missing file, a file that
// is no module, and a module of another ABI version.
#include "server/tls_module_loader.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace walnut::server {
namespace {

using ::testing::HasSubstr;

TEST(TlsModuleLoader, TheBuildsModuleLoadsWithEveryFunction) {
  auto module = open_tls_module(WALNUT_TLS_MODULE_FILE);
  ASSERT_TRUE(module) << module.error();
  EXPECT_NE(module->context_new, nullptr);
  EXPECT_NE(module->context_free, nullptr);
  EXPECT_NE(module->session_new, nullptr);
  EXPECT_NE(module->session_free, nullptr);
  EXPECT_NE(module->receive, nullptr);
  EXPECT_NE(module->send, nullptr);
  EXPECT_NE(module->handshake_done, nullptr);
  EXPECT_NE(module->peer_subject, nullptr);
  // The loader upsd uses finds the same module (WALNUT_TLS_MODULE, tls_module_env.cpp).
  auto loaded = load_tls_module();
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ((*loaded)->context_new, module->context_new);
}

TEST(TlsModuleLoader, AMissingFileIsAnErrorNamingItAndDlerror) {
  const std::string path = std::string(WALNUT_BINARY_DIR) + "/no-such-dir/walnut-tls.so";
  auto module = open_tls_module(path);
  ASSERT_FALSE(module);
  EXPECT_THAT(module.error(), HasSubstr(path));
  EXPECT_THAT(module.error(), HasSubstr("No such file or directory"));  // dlerror()'s words
}

TEST(TlsModuleLoader, AFileThatIsNoModuleIsAnErrorNamingIt) {
  const std::string path = std::string(WALNUT_BINARY_DIR) + "/tests/not-a-module-" +
                           std::to_string(::getpid()) + ".so";
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("not an ELF file, long enough to have a header's worth of bytes in it.......\n",
             file);
  std::fclose(file);
  auto module = open_tls_module(path);
  ::unlink(path.c_str());
  ASSERT_FALSE(module);
  EXPECT_THAT(module.error(), HasSubstr("cannot load " + path + ": "));
  EXPECT_THAT(module.error(), HasSubstr("invalid ELF header"));
}

TEST(TlsModuleLoader, AModuleOfAnotherAbiVersionIsRefused) {
  auto module = open_tls_module(WALNUT_TLS_WRONG_ABI_MODULE);
  ASSERT_FALSE(module);
  EXPECT_THAT(module.error(), HasSubstr(WALNUT_TLS_WRONG_ABI_MODULE));
  EXPECT_THAT(module.error(),
              HasSubstr("ABI version " + std::to_string(WALNUT_TLS_ABI_VERSION + 1) +
                        ", this upsd needs " + std::to_string(WALNUT_TLS_ABI_VERSION)));
}

}  // namespace
}  // namespace walnut::server
