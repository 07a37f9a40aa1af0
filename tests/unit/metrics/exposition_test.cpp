// Tests metrics/exposition.cpp against the Prometheus text format 0.0.4.
#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace walnut::metrics {
namespace {

TEST(Exposition, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)" "\n" "d"), R"(a\\b\"c\nd)");
}

TEST(Exposition, LeavesQuotesAloneInHelpButEscapesBackslashAndNewline) {
  EXPECT_EQ(escape_help("say \"hi\"\\\nnow"), "say \"hi\"\\\\\\nnow");
}

TEST(Exposition, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(escape_label_value("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(escape_label_value("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(escape_label_value("\xC3"), "\xEF\xBF\xBD");          // truncated sequence
  EXPECT_EQ(escape_label_value("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(escape_label_value("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Exposition, FormatsValuesAsTheFormatSpellsThem) {
  EXPECT_EQ(format_value(100), "100");
  EXPECT_EQ(format_value(-1), "-1");
  EXPECT_EQ(format_value(230.5), "230.5");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(Exposition, ChecksAndSanitizesMetricNames) {
  EXPECT_TRUE(is_valid_metric_name("ups_battery_charge"));
  EXPECT_TRUE(is_valid_metric_name("a:b_C9"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("9lives"));
  EXPECT_FALSE(is_valid_metric_name("ups-load"));
  EXPECT_EQ(sanitize_metric_name("ups-load.x"), "ups_load_x");
  EXPECT_EQ(sanitize_metric_name("9lives"), "_9lives");
  EXPECT_EQ(sanitize_metric_name(""), "_");
  EXPECT_TRUE(is_valid_metric_name(sanitize_metric_name("\xFF\x01 9")));
}

TEST(Exposition, RendersHelpTypeAndSamplesOfEachFamily) {
  std::vector<MetricFamily> families = {
      {"ups_load", "Load \\ on UPS", MetricType::kGauge,
       {{{{"ups", "a"}}, 12}, {{{"ups", "b\"q"}}, 7.5}}},
      {"walnut_logins_total", "Logins", MetricType::kCounter, {{{}, 3}}},
  };
  EXPECT_EQ(render(families),
            "# HELP ups_load Load \\\\ on UPS\n"
            "# TYPE ups_load gauge\n"
            "ups_load{ups=\"a\"} 12\n"
            "ups_load{ups=\"b\\\"q\"} 7.5\n"
            "# HELP walnut_logins_total Logins\n"
            "# TYPE walnut_logins_total counter\n"
            "walnut_logins_total 3\n");
}

TEST(Exposition, RendersSeveralLabelsInOrderAndSkipsEmptyFamilies) {
  std::vector<MetricFamily> families = {
      {"empty", "nothing", MetricType::kGauge, {}},
      {"ups_status_info", "flags", MetricType::kGauge, {{{{"ups", "u"}, {"status", "OL"}}, 1}}},
  };
  EXPECT_EQ(render(families),
            "# HELP ups_status_info flags\n"
            "# TYPE ups_status_info gauge\n"
            "ups_status_info{ups=\"u\",status=\"OL\"} 1\n");
}

}  // namespace
}  // namespace walnut::metrics
