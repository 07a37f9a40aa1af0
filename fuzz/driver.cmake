# Fuzz targets of the driver process (drivers/usbhid top level): the command line and settings
# parser, and the state publisher (random store edits -> incremental socket lines -> a reader's
# copy must equal the store).
if(TARGET walnut_usbhid)
  walnut_fuzzer(fuzz_driver_options SOURCES driver_options_fuzz.cpp LIBS walnut_usbhid)
  walnut_fuzzer(fuzz_driver_publish SOURCES driver_publish_fuzz.cpp LIBS walnut_usbhid)
endif()
