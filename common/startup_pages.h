// Start-up's share of the program's own pages, handed back once the program runs steadily
// (issue 19, docs/benchmarks/README.md "Memory": the kernel's "Freeing unused kernel memory" in
// small).
//
// Why: the kernel maps a program's file pages 64 kB around each page fault ("fault-around").
// Reading the configuration, opening the device and walking its descriptor run most of a
// daemon's code once and fault in nearly all of its code and read-only data, which then stays
// counted in its RSS although the steady state runs a fraction of it. The link order
// (cmake/link_order.cmake) lays out what the steady state runs first; dropping the mapping of
// every read-only page after start-up leaves resident only what runs again.
#pragma once

#include <link.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace walnut {

struct PageRange {
  std::uintptr_t start = 0;  // page-aligned
  std::size_t length = 0;    // a multiple of the page size, > 0
};

// The whole pages of a loaded object's segments that are never written: PT_LOAD segments
// without PF_W, less any page a PT_GNU_RELRO range touches (relocated data made read-only after
// the relocation: dropping it would bring back the file's unrelocated bytes). `base` is the
// object's load address (dl_phdr_info::dlpi_addr). Empty when the object has text relocations
// (its code pages were written). Pure.
std::vector<PageRange> never_written_pages(std::span<const ElfW(Phdr)> headers, std::uintptr_t base,
                                           std::size_t page_size, bool has_text_relocations);

// Drops this process's mapping of its own program's never-written pages (MADV_DONTNEED): they
// stay in the page cache and fault back in, 64 kB at a time, when they run or are read again.
// Never under a debugger (a breakpoint lives in a written copy of a code page) nor a tracer.
// Returns the bytes dropped; 0 when nothing was (and why is not worth a message: the program
// only keeps more pages resident).
std::size_t release_startup_pages();

}  // namespace walnut
