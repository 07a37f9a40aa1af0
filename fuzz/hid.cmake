# HID core fuzz targets: the report-descriptor parser, the report codec on a parsed corpus
# descriptor, and the capture reader/writer.
walnut_fuzzer(fuzz_hid_descriptor SOURCES hid_descriptor_fuzz.cpp LIBS walnut_hid)
walnut_fuzzer(fuzz_hid_codec SOURCES hid_codec_fuzz.cpp LIBS walnut_hid)
walnut_fuzzer(fuzz_hid_capture SOURCES hid_capture_fuzz.cpp LIBS walnut_hid)
