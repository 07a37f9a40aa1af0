# upsd's command parser: request bytes -> lines -> dispatcher -> replies, with the state of
# one connection carried across lines.
walnut_fuzzer(fuzz_net_command SOURCES net_command_fuzz.cpp LIBS walnut_server)
