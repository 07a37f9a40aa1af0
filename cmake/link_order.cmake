# The link order of the daemons (issue 19, docs/benchmarks/README.md "Memory"): the functions a
# program runs, listed in an order file, are laid out together at the start of .text.
#
# Why: the kernel maps a program's file pages 64 kB at a time around each page fault
# ("fault-around"), so one function run in a 64 kB stretch makes all of it resident. Linked in
# the default order the ~200 kB of code usbhid-ups runs is spread over all of its ~600 kB of
# .text, and all of it counts in its RSS. Together, only what runs (and at most one partly used
# block) is resident.
#
# The files list the steady state's functions first, then start-up's: once started, each daemon
# hands back the pages start-up faulted in (common/startup_pages.h), and what runs from then on
# lies together. cmake/plt_first.ld puts the PLT, which every libc call goes through, beside it.
#
# The order files are data: scripts/link-order regenerates them from the functions the programs
# ran under callgrind, and tests/link checks that they still match the code (a renamed or new
# function only costs memory, never correctness: names the file lacks are laid out after it).
#
# lld does the ordering (--symbol-ordering-file); without lld, or without the lean link (whose
# -ffunction-sections gives each function a section to move), programs link in the default order.
include(CheckLinkerFlag)
if(WALNUT_LEAN_LINK)
  check_linker_flag(CXX "-fuse-ld=lld" WALNUT_HAVE_LLD)
endif()
if(WALNUT_LEAN_LINK AND WALNUT_HAVE_LLD)
  set(walnut_link_order_default ON)
else()
  set(walnut_link_order_default OFF)
endif()
option(WALNUT_LINK_ORDER "Lay out the daemons' code in their order files' order (needs lld)"
       ${walnut_link_order_default})
if(WALNUT_LINK_ORDER AND NOT (WALNUT_LEAN_LINK AND WALNUT_HAVE_LLD))
  message(FATAL_ERROR "WALNUT_LINK_ORDER needs WALNUT_LEAN_LINK and lld (Debian: apt-get install lld)")
endif()

# walnut_link_order(TARGET ORDER_FILE): links TARGET with lld in ORDER_FILE's order, and relinks
# it when the file changes.
function(walnut_link_order target order_file)
  if(NOT WALNUT_LINK_ORDER)
    return()
  endif()
  set(plt_first ${PROJECT_SOURCE_DIR}/cmake/plt_first.ld)
  target_link_options(${target} PRIVATE -fuse-ld=lld
    "LINKER:--symbol-ordering-file=${order_file}" "LINKER:--no-warn-symbol-ordering"
    "LINKER:-T,${plt_first}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${order_file} ${plt_first})
  set_property(TARGET ${target} PROPERTY WALNUT_ORDER_FILE ${order_file})
endfunction()
