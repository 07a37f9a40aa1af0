# upsd's command parser: request bytes -> lines -> dispatcher -> replies, with the state of
# one connection carried across lines.
walnut_fuzzer(fuzz_net_command SOURCES net_command_fuzz.cpp LIBS walnut_server)
# upsd's line splitting: the fast path for plain lines against NUT's tokenizer alone.
walnut_fuzzer(fuzz_request_reader SOURCES request_reader_fuzz.cpp LIBS walnut_server)
# upsd's plain -> TLS switch: bytes cut anywhere around STARTTLS, then raw bytes or a real
# in-memory TLS client (a self-signed certificate made at start). The server side is the real
# walnut-tls.so, loaded from beside the fuzzer (both in bin/).
walnut_fuzzer(fuzz_session_stream SOURCES session_stream_fuzz.cpp
  LIBS walnut_server OpenSSL::SSL OpenSSL::Crypto)
add_dependencies(fuzz_session_stream walnut-tls)
