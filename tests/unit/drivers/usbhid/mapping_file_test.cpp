// The driver's `mapping` option (mapping_file.h): the file is parsed by the build's walnut-yaml
// in a child process and comes back as the same Mapping the YAML loader makes.
#include "drivers/usbhid/mapping_file.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

class MappingFile : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = ::testing::TempDir() + "walnut-mapping-" + std::to_string(::getpid()) + ".yaml";
  }
  void TearDown() override { std::remove(file_.c_str()); }
  void write(std::string_view text) {
    std::ofstream out(file_);
    out << text;
  }
  std::string file_;
};

TEST_F(MappingFile, ReadsAsTheLoaderReadsIt) {
  const std::string_view apc = mapping::builtin_mapping_text("apc");
  ASSERT_FALSE(apc.empty());
  write(apc);
  auto loaded = load_mapping_file(file_);
  ASSERT_TRUE(loaded) << loaded.error();
  auto expected = mapping::load_mapping(apc, file_);
  ASSERT_TRUE(expected) << expected.error();
  EXPECT_TRUE(*loaded == *expected);
  EXPECT_GT(loaded->entries.size(), 50u);
}

TEST_F(MappingFile, AnErrorNamesTheFileAndLine) {
  write("subdriver: mine\nversion: Mine 0.1\nusage_table: apc\ntable:\n  - {var: ups.load, path: UPS.X, hid: [sometimes]}\n");
  auto loaded = load_mapping_file(file_);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().rfind(file_ + ":5: ", 0), 0u) << loaded.error();
  EXPECT_NE(loaded.error().find("sometimes"), std::string::npos) << loaded.error();
}

TEST_F(MappingFile, AMissingFileIsNamed) {
  auto loaded = load_mapping_file(file_ + ".absent");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().rfind(file_ + ".absent: ", 0), 0u) << loaded.error();
}

}  // namespace
}  // namespace walnut::usbhid
