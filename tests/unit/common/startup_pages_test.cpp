// Tests for common/startup_pages: which of a program's pages are never written, and dropping them.
#include "common/startup_pages.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <numeric>

namespace walnut {
namespace {

constexpr std::size_t kPage = 4096;
constexpr std::uintptr_t kBase = 0x7f1234560000;

ElfW(Phdr) segment(ElfW(Word) type, ElfW(Word) flags, ElfW(Addr) vaddr, ElfW(Xword) memsz) {
  ElfW(Phdr) header{};
  header.p_type = type;
  header.p_flags = flags;
  header.p_vaddr = vaddr;
  header.p_memsz = memsz;
  return header;
}

// usbhid-ups's program headers as lld lays them out (readelf -lW): R, R E, RW (RELRO), RW.
const std::array<ElfW(Phdr), 5> kDriver = {
    segment(PT_LOAD, PF_R, 0x0, 0x5b68c),
    segment(PT_LOAD, PF_R | PF_X, 0x5c690, 0x86e80),
    segment(PT_LOAD, PF_R | PF_W, 0xe4510, 0x48e8),
    segment(PT_LOAD, PF_R | PF_W, 0xe9df8, 0x2d50),
    segment(PT_GNU_RELRO, PF_R, 0xe4510, 0x4af0),
};

TEST(NeverWrittenPages, AreTheWholePagesOfTheReadOnlySegments) {
  const auto ranges = never_written_pages(kDriver, kBase, kPage, false);
  ASSERT_EQ(ranges.size(), 2U);
  EXPECT_EQ(ranges[0].start, kBase);
  EXPECT_EQ(ranges[0].length, 0x5b000U);  // the page shared with the code is left alone
  EXPECT_EQ(ranges[1].start, kBase + 0x5d000);
  EXPECT_EQ(ranges[1].length, 0xe3000U - 0x5d000U);
}

TEST(NeverWrittenPages, NoneWhenTheCodeWasRelocated) {
  EXPECT_TRUE(never_written_pages(kDriver, kBase, kPage, true).empty());
}

TEST(NeverWrittenPages, StopBeforeRelocatedReadOnlyData) {
  // A linker that puts RELRO in a read-only segment of its own making: only what lies before it.
  const std::array<ElfW(Phdr), 2> headers = {
      segment(PT_LOAD, PF_R, 0x10000, 0x8000),
      segment(PT_GNU_RELRO, PF_R, 0x14100, 0x1000),
  };
  const auto ranges = never_written_pages(headers, kBase, kPage, false);
  ASSERT_EQ(ranges.size(), 1U);
  EXPECT_EQ(ranges[0].start, kBase + 0x10000);
  EXPECT_EQ(ranges[0].length, 0x4000U);
}

TEST(NeverWrittenPages, NoneForASegmentSmallerThanAPage) {
  const std::array<ElfW(Phdr), 1> headers = {segment(PT_LOAD, PF_R, 0x1010, 0xf00)};
  EXPECT_TRUE(never_written_pages(headers, kBase, kPage, false).empty());
}

// 2 MB of read-only data of this test program, on a 2 MB boundary: the page cache holds a file in
// folios of up to 2 MB, and the kernel maps a whole folio on one fault. Aligned so, no folio
// holds both the table and anything else the test reads.
constexpr std::size_t kAlign = 2 * 1024 * 1024;
constexpr std::size_t kWords = kAlign / sizeof(std::uint64_t);
constexpr std::array<std::uint64_t, kWords> make_table() {
  std::array<std::uint64_t, kWords> table{};
  for (std::size_t high = 0; high < kWords; high += 512) {  // nested: constexpr loop limits
    for (std::size_t i = high; i < high + 512; ++i) table[i] = i * 0x9e3779b97f4a7c15U;
  }
  return table;
}
alignas(kAlign) constexpr std::array<std::uint64_t, kWords> kTable = make_table();

// Whether the page holding `address` is mapped into this process (/proc/self/pagemap's bit 63).
bool resident(const void* address) {
  const int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;
  std::uint64_t entry = 0;
  const off_t at = static_cast<off_t>(reinterpret_cast<std::uintptr_t>(address) / kPage * 8);
  const bool read = ::pread(fd, &entry, sizeof entry, at) == static_cast<ssize_t>(sizeof entry);
  ::close(fd);
  return !read || (entry >> 63) != 0;
}

TEST(ReleaseStartupPages, UnmapsReadOnlyDataThatComesBackIntact) {
  const volatile std::uint64_t* table = kTable.data();
  std::uint64_t before = 0;
  for (std::size_t i = 0; i < kWords; ++i) before += table[i];
  const void* middle = &kTable[kWords / 2];
  ASSERT_TRUE(resident(middle));
  EXPECT_GT(release_startup_pages(), sizeof kTable);
  EXPECT_FALSE(resident(middle));
  std::uint64_t after = 0;
  for (std::size_t i = 0; i < kWords; ++i) after += table[i];
  EXPECT_EQ(after, before);
  EXPECT_TRUE(resident(middle));
}

}  // namespace
}  // namespace walnut
