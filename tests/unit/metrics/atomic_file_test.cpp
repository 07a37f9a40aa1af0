// Tests metrics/atomic_file.cpp: readers see the old or the new file, never a mix.
#include "metrics/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace walnut::metrics {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/walnut-atomic-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
};

TEST_F(AtomicFileTest, WritesTheContentsWithReadableMode) {
  const auto path = dir_ / "ups.prom";
  ASSERT_TRUE(write_file_atomically(path.string(), "a 1\n").ok());
  EXPECT_EQ(read(path), "a 1\n");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST_F(AtomicFileTest, ReplacesAnOldFileAndLeavesNoTemporaryFiles) {
  const auto path = dir_ / "ups.prom";
  ASSERT_TRUE(write_file_atomically(path.string(), "old\n").ok());
  ASSERT_TRUE(write_file_atomically(path.string(), "new\n").ok());
  EXPECT_EQ(read(path), "new\n");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(AtomicFileTest, FailsWithoutTouchingAnythingWhenTheDirectoryIsMissing) {
  const auto status = write_file_atomically((dir_ / "missing" / "ups.prom").string(), "x");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("missing"), std::string::npos);
}

TEST_F(AtomicFileTest, WorksWithAPathInTheCurrentDirectory) {
  const auto old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  const auto status = write_file_atomically("plain.prom", "p 1\n");
  std::filesystem::current_path(old_cwd);
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_EQ(read(dir_ / "plain.prom"), "p 1\n");
}

// A reader polling the file while it is rewritten must only ever see whole versions. Each
// version is large (so a plain rewrite would be caught half-written) and self-checking.
TEST_F(AtomicFileTest, AConcurrentReaderNeverSeesAPartialFile) {
  const auto path = dir_ / "ups.prom";
  const auto version = [](int n) {
    std::string text;
    for (int line = 0; line < 4000; ++line) text += "ups_metric_" + std::to_string(line) + " " + std::to_string(n) + "\n";
    return text + "# end " + std::to_string(n) + "\n";
  };
  ASSERT_TRUE(write_file_atomically(path.string(), version(0)).ok());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, torn{0};
  std::thread reader([&] {
    while (!done) {
      const std::string text = read(path);
      const auto end = text.rfind("# end ");
      if (end == std::string::npos) {
        ++torn;
      } else {
        const int n = std::atoi(text.c_str() + end + 6);
        if (text != version(n)) ++torn;
      }
      ++reads;
    }
  });
  for (int n = 1; n <= 40; ++n) ASSERT_TRUE(write_file_atomically(path.string(), version(n)).ok());
  while (reads < 20) std::this_thread::yield();
  done = true;
  reader.join();
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(read(path), version(40));
}

}  // namespace
}  // namespace walnut::metrics
