# Fuzz targets for common/: the driver socket protocol with the variable store, the NUT config
# readers and the YAML config reader.
walnut_fuzzer(fuzz_driver_protocol SOURCES driver_protocol_fuzz.cpp LIBS walnut_common)
walnut_fuzzer(fuzz_nut_config SOURCES nut_config_fuzz.cpp LIBS walnut_common)
walnut_fuzzer(fuzz_yaml_config SOURCES yaml_config_fuzz.cpp LIBS walnut_common)
