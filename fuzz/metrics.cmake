# Metrics: what walnut_metrics parses from outside (NUT servers' replies, HTTP requests) and
# what it renders from driver-supplied names and values.
walnut_fuzzer(fuzz_metrics_nut_reply SOURCES metrics_nut_reply_fuzz.cpp LIBS walnut_metrics_client)
walnut_fuzzer(fuzz_metrics_http_request SOURCES metrics_http_request_fuzz.cpp LIBS walnut_metrics)
walnut_fuzzer(fuzz_metrics_exposition SOURCES metrics_exposition_fuzz.cpp LIBS walnut_metrics)
