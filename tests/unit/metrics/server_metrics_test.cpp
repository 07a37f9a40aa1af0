// Tests metrics/server_metrics.cpp (walnut_* process metrics).
#include "metrics/server_metrics.h"

#include <gtest/gtest.h>

namespace walnut::metrics {
namespace {

TEST(ServerMetrics, RendersCountersWithTheirLabels) {
  ServerSnapshot server;
  server.version = "0.1.0";
  server.start_time_seconds = 1700000000;
  server.connected_clients = 4;
  server.clients_accepted = 11;
  server.clients_dropped_slow = 1;
  server.logins = 9;
  server.commands = 13;
  server.driver_reconnects = 5;
  server.logins_by_ups = {{"ups1", 2}};
  server.errors_by_code = {{"ACCESS-DENIED", 1}, {"DATA-STALE", 2}};
  const std::string text = render(server_metric_families(server));
  EXPECT_NE(text.find("walnut_build_info{version=\"0.1.0\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_start_time_seconds 1700000000\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_connected_clients 4\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE walnut_logins_total counter\nwalnut_logins_total 9\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_ups_logins{ups=\"ups1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_clients_accepted_total 11\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_clients_dropped_slow_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_commands_total 13\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_driver_reconnects_total 5\n"), std::string::npos);
  EXPECT_NE(text.find("walnut_errors_total{code=\"ACCESS-DENIED\"} 1\n"
                      "walnut_errors_total{code=\"DATA-STALE\"} 2\n"),
            std::string::npos);
}

TEST(ServerMetrics, TellsWhichMetricsListenAddressesAreBound) {
  ServerSnapshot server;
  server.metrics_listeners = {{"127.0.0.1", "13493", true}, {"::1", "13493", false}};
  const std::string text = render(server_metric_families(server));
  EXPECT_NE(text.find("# TYPE walnut_metrics_listener_up gauge\n"
                      "walnut_metrics_listener_up{address=\"127.0.0.1\",port=\"13493\"} 1\n"
                      "walnut_metrics_listener_up{address=\"::1\",port=\"13493\"} 0\n"),
            std::string::npos)
      << text;
}

TEST(ServerMetrics, LeavesOutLabelledFamiliesWithNothingCounted) {
  const std::string text = render(server_metric_families(ServerSnapshot{}));
  EXPECT_EQ(text.find("walnut_errors_total"), std::string::npos);
  EXPECT_EQ(text.find("walnut_metrics_listener_up"), std::string::npos);
  EXPECT_NE(text.find("walnut_connected_clients 0\n"), std::string::npos);
}

}  // namespace
}  // namespace walnut::metrics
