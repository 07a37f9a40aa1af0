# Mapping fuzz targets: random report bytes, interrupts, commands and SETs into the device
# model built from corpus descriptors; arbitrary text into the vendor-mapping YAML loader.
walnut_fuzzer(fuzz_mapping_model SOURCES mapping_model_fuzz.cpp LIBS walnut_hid_mapping walnut_hid walnut_common)
walnut_fuzzer(fuzz_mapping_yaml SOURCES mapping_yaml_fuzz.cpp LIBS walnut_hid_mapping)
