#include "common/startup_pages.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/config/conf_file.h"

// Under callgrind (scripts/link-order), each release writes what ran so far to a file of its own:
// the first is start-up, the rest the steady state. Elsewhere the request is a no-op.
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define WALNUT_MARK_RELEASE() CALLGRIND_DUMP_STATS_AT("release_startup_pages")
#else
#define WALNUT_MARK_RELEASE() ((void)0)
#endif

namespace walnut {
namespace {

std::uintptr_t round_up(std::uintptr_t value, std::size_t page_size) {
  return (value + page_size - 1) / page_size * page_size;
}

std::uintptr_t round_down(std::uintptr_t value, std::size_t page_size) {
  return value / page_size * page_size;
}

// The dynamic section's say on text relocations: DT_TEXTREL, or DF_TEXTREL in DT_FLAGS.
bool has_text_relocations(const ElfW(Dyn)* dynamic) {
  for (const ElfW(Dyn)* entry = dynamic; entry != nullptr && entry->d_tag != DT_NULL; ++entry) {
    if (entry->d_tag == DT_TEXTREL) return true;
    if (entry->d_tag == DT_FLAGS && (entry->d_un.d_val & DF_TEXTREL) != 0) return true;
  }
  return false;
}

// Whether a tracer (a debugger, strace) is attached: TracerPid in /proc/self/status.
bool traced() {
  const Result<std::string> status = config::read_text_file("/proc/self/status");
  if (!status) return true;  // cannot tell: leave the pages be
  const std::string_view text = *status;
  const auto at = text.find("TracerPid:");
  if (at == std::string_view::npos) return true;
  const auto digit = text.find_first_not_of(" \t", at + 10);
  return digit == std::string_view::npos || text[digit] != '0';
}

}  // namespace

std::vector<PageRange> never_written_pages(std::span<const ElfW(Phdr)> headers, std::uintptr_t base,
                                           std::size_t page_size, bool has_text_relocations) {
  std::vector<PageRange> ranges;
  if (has_text_relocations || page_size == 0) return ranges;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> relro;  // whole pages it touches
  for (const ElfW(Phdr)& header : headers) {
    if (header.p_type == PT_GNU_RELRO && header.p_memsz > 0) {
      relro.emplace_back(round_down(base + header.p_vaddr, page_size),
                         round_up(base + header.p_vaddr + header.p_memsz, page_size));
    }
  }
  for (const ElfW(Phdr)& header : headers) {
    if (header.p_type != PT_LOAD || (header.p_flags & PF_W) != 0 || header.p_memsz == 0) continue;
    // Inward: a page the segment shares with its neighbour may hold written bytes of theirs.
    std::uintptr_t start = round_up(base + header.p_vaddr, page_size);
    std::uintptr_t end = round_down(base + header.p_vaddr + header.p_memsz, page_size);
    for (const auto& [relro_start, relro_end] : relro) {
      if (relro_start >= end || relro_end <= start) continue;
      // A read-only segment that overlaps RELRO keeps the part before it only.
      end = std::min(end, relro_start);
    }
    if (end > start) ranges.push_back({start, static_cast<std::size_t>(end - start)});
  }
  return ranges;
}

std::size_t release_startup_pages() {
  WALNUT_MARK_RELEASE();
  if (traced()) return 0;
  struct Found {
    std::vector<PageRange> ranges;
    std::size_t page_size;
  } found{{}, static_cast<std::size_t>(::sysconf(_SC_PAGESIZE))};
  // The first object dl_iterate_phdr reports is the program itself.
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto* found = static_cast<Found*>(data);
        std::span<const ElfW(Phdr)> headers(info->dlpi_phdr, info->dlpi_phnum);
        const ElfW(Dyn)* dynamic = nullptr;
        for (const ElfW(Phdr)& header : headers) {
          if (header.p_type == PT_DYNAMIC) {
            dynamic = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr + header.p_vaddr);
          }
        }
        found->ranges = never_written_pages(headers, info->dlpi_addr, found->page_size,
                                            has_text_relocations(dynamic));
        return 1;  // the program only
      },
      &found);
  std::size_t dropped = 0;
  for (const PageRange& range : found.ranges) {
    if (::madvise(reinterpret_cast<void*>(range.start), range.length, MADV_DONTNEED) == 0) {
      dropped += range.length;
    }
  }
  return dropped;
}

}  // namespace walnut
