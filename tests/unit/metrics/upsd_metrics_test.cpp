// Tests metrics/upsd_metrics.cpp: upsd's registry and counters as GET /metrics serves them.
#include "metrics/upsd_metrics.h"

#include <gtest/gtest.h>

namespace walnut::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

class UpsdMetricsTest : public ::testing::Test {
 protected:
  server::Ups& add(const std::string& name, const std::string& status) {
    server::Ups& ups = registry_.add(name);
    ups.driver_connected = true;
    ups.variables.set_info("ups.status", status);
    ups.variables.set_info("battery.charge", "91");
    ups.variables.set_data_ok(true);
    return ups;
  }
  std::string text() const { return render_upsd_metrics(registry_, stats_, {"2.8.0 (walnut)", 1700000000}); }

  server::UpsRegistry registry_;
  server::Stats stats_;
};

TEST_F(UpsdMetricsTest, ExportsAConnectedUpsWithItsVariables) {
  add("rack1", "OL");
  const std::string out = text();
  EXPECT_TRUE(has_line(out, R"(ups_scrape_success{ups="rack1"} 1)"));
  EXPECT_TRUE(has_line(out, R"(ups_battery_charge{ups="rack1"} 91)"));
  EXPECT_TRUE(has_line(out, R"(ups_status_online{ups="rack1"} 1)"));
}

TEST_F(UpsdMetricsTest, ReportsStaleAndDisconnectedUpsesAsScrapeFailures) {
  add("stale", "OL").stale = true;
  add("gone", "OL").driver_connected = false;
  const std::string out = text();
  EXPECT_TRUE(has_line(out, R"(ups_scrape_success{ups="stale"} 0)"));
  EXPECT_TRUE(has_line(out, R"(ups_scrape_success{ups="gone"} 0)"));
  EXPECT_EQ(out.find("ups_battery_charge"), std::string::npos);
  // upsd always knows why: both are stale data, not a failed scrape.
  EXPECT_TRUE(has_line(out, R"(ups_data_stale{ups="stale"} 1)"));
  EXPECT_TRUE(has_line(out, R"(ups_data_stale{ups="gone"} 1)"));
}

TEST_F(UpsdMetricsTest, CountsMaxageSilenceAsStaleBeforeTheNextTick) {
  add("quiet", "OL").fresh_until = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  add("talking", "OL");
  const std::string out = text();
  EXPECT_TRUE(has_line(out, R"(ups_data_stale{ups="quiet"} 1)"));
  EXPECT_TRUE(has_line(out, R"(ups_scrape_success{ups="quiet"} 0)"));
  EXPECT_TRUE(has_line(out, R"(ups_data_stale{ups="talking"} 0)"));
}

TEST_F(UpsdMetricsTest, ShowsALatchedFsdInTheStatusFlags) {
  add("rack1", "OB LB").fsd = true;
  const std::string out = text();
  EXPECT_TRUE(has_line(out, R"(ups_status_info{ups="rack1",status="FSD"} 1)"));
  EXPECT_TRUE(has_line(out, R"(ups_status_info{ups="rack1",status="OB"} 1)"));
}

TEST_F(UpsdMetricsTest, ExportsTheServerCountersWithErrorTokens) {
  add("rack1", "OL").numlogins = 2;
  stats_.clients_connected = 3;
  stats_.commands = 40;
  stats_.errors[static_cast<std::size_t>(server::NetError::kDataStale)] = 4;
  const std::string out = text();
  EXPECT_TRUE(has_line(out, R"x(walnut_build_info{version="2.8.0 (walnut)"} 1)x"));
  EXPECT_TRUE(has_line(out, "walnut_connected_clients 3"));
  EXPECT_TRUE(has_line(out, "walnut_commands_total 40"));
  EXPECT_TRUE(has_line(out, R"(walnut_errors_total{code="DATA-STALE"} 4)"));
  EXPECT_TRUE(has_line(out, R"(walnut_ups_logins{ups="rack1"} 2)"));
  EXPECT_EQ(out.find("ACCESS-DENIED"), std::string::npos);  // nothing counted, no series
}

TEST_F(UpsdMetricsTest, ShowsTheStateOfEveryMetricsListener) {
  const std::string out =
      render_upsd_metrics(registry_, stats_, {"2.8.0 (walnut)", 1}, {{"*", "13493", false}});
  EXPECT_TRUE(has_line(out, R"(walnut_metrics_listener_up{address="*",port="13493"} 0)")) << out;
}

}  // namespace
}  // namespace walnut::metrics
