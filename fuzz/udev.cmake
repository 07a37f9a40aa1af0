# The udev rules checker (udev/rules_check): any bytes, never a crash.
if(TARGET walnut_udev_check)
  walnut_fuzzer(fuzz_udev_rules SOURCES udev_rules_fuzz.cpp LIBS walnut_udev_check)
endif()
