// Tests metrics/previous_output.cpp: UPS names read back from an earlier ups.prom.
#include "metrics/previous_output.h"

#include <gtest/gtest.h>

#include "metrics/ups_metrics.h"

namespace walnut::metrics {
namespace {

using Names = std::vector<std::string>;

TEST(PreviousOutput, FindsTheUpsNamesOfScrapeSuccessSamples) {
  const std::string text =
      "# HELP ups_scrape_success x\n# TYPE ups_scrape_success gauge\n"
      "ups_scrape_success{ups=\"a\"} 1\nups_scrape_success{ups=\"b\"} 0\n"
      "ups_load{ups=\"c\"} 3\n";
  EXPECT_EQ(scraped_ups_names(text), (Names{"a", "b"}));
}

TEST(PreviousOutput, ReadsBackWhatTheRendererEscaped) {
  std::vector<UpsSnapshot> upses = {{"we\"ird\\name", true, {{"ups.status", "OL"}}}, {"plain", false, {}}};
  EXPECT_EQ(scraped_ups_names(render(ups_metric_families(upses))), (Names{"we\"ird\\name", "plain"}));
}

TEST(PreviousOutput, SkipsTheUnlabelledSeriesDuplicatesAndBrokenLines) {
  const std::string text =
      "ups_scrape_success{ups=\"\"} 0\n"
      "ups_scrape_success{ups=\"a\"} 0\n"
      "ups_scrape_success{ups=\"a\"} 0\n"
      "ups_scrape_success{ups=\"unterminated} 0\n"
      "ups_scrape_success{ups=\"bad\\escape\"} 0\n"
      "ups_scrape_success{ups=\"last\"} 1";
  EXPECT_EQ(scraped_ups_names(text), (Names{"a", "last"}));
}

TEST(PreviousOutput, GivesNothingForAnEmptyFile) { EXPECT_TRUE(scraped_ups_names("").empty()); }

}  // namespace
}  // namespace walnut::metrics
