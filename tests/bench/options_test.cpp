#include "tests/bench/options.h"

#include <gtest/gtest.h>

#include "tests/bench/result_line.h"

namespace walnut::bench {
namespace {

TEST(Options, ParsesScenarioAndBothOptionForms) {
  Result<Options> options = Options::parse({"getvar", "--connections", "64", "--duration=2.5"});
  ASSERT_TRUE(options.ok()) << options.error();
  EXPECT_EQ(options->scenario(), "getvar");
  EXPECT_EQ(*options->number("connections", 1), 64);
  EXPECT_EQ(*options->number("duration", 1), 2.5);
  EXPECT_EQ(*options->number("idle", 7), 7);
  EXPECT_TRUE(options->unused().empty());
}

TEST(Options, ReportsOptionsTheScenarioNeverRead) {
  Result<Options> options = Options::parse({"getvar", "--conections", "64"});
  ASSERT_TRUE(options.ok());
  (void)options->number("connections", 1);
  ASSERT_EQ(options->unused().size(), 1u);
  EXPECT_EQ(options->unused()[0], "conections");
}

TEST(Options, RejectsMalformedCommandLines) {
  EXPECT_FALSE(Options::parse({}).ok());
  EXPECT_FALSE(Options::parse({"--port", "1"}).ok());
  EXPECT_FALSE(Options::parse({"getvar", "stray"}).ok());
  EXPECT_FALSE(Options::parse({"getvar", "--port"}).ok());
}

TEST(Options, NonNumericValueIsAnError) {
  Result<Options> options = Options::parse({"getvar", "--connections", "many"});
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options->number("connections", 1).ok());
}

TEST(ResultLine, FormatsWholeAndFractionalNumbersAndWords) {
  ResultLine line("getvar");
  line.add("req_per_s", 171234.0);
  line.add("p99_us", 12.34567);
  line.add("error", "connect: refused");
  EXPECT_EQ(line.text(), "scenario=getvar req_per_s=171234 p99_us=12.346 error=connect:_refused");
}

}  // namespace
}  // namespace walnut::bench
