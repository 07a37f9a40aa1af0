# The simulated UPS's inputs from outside: scenario files, control-socket command lines, saved
# state files, and SET_REPORTs from the host decoded against the ES 850G2's descriptor.
if(TARGET walnut_sim)
  walnut_fuzzer(fuzz_sim_inputs SOURCES sim_inputs_fuzz.cpp LIBS walnut_sim)
endif()
