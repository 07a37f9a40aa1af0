// Parity with NUT 2.8.0: every corpus capture brought up through the device model publishes
// exactly the variables (names and values) stock usbhid-ups published for it (`upsc:`).
#include <dirent.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"

namespace walnut::mapping {
namespace {

using testing::bring_up;

// Variables main.c publishes (driver.*, device.*), not the subdriver's model.
bool driver_side(const std::string& name) {
  return name.rfind("driver.", 0) == 0 || name.rfind("device.", 0) == 0;
}

std::vector<std::string> corpus_files(const std::string& prefix) {
  std::vector<std::string> files;
  std::string dir = std::string(WALNUT_TEST_DATA_DIR) + "/hid-corpus";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      std::string name = entry->d_name;
      // Captures only: *.commands.txt are the command recordings of hid_ups_commands_test.
      if (name.rfind(prefix, 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".txt" &&
          name.find(".commands.") == std::string::npos) {
        files.push_back(name);
      }
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The `upsc:` section (or `upsc-2.8.5:`, NUT 2.8.5's values worked out by hand) read here rather
// than through read_capture(): a variable with an empty value ("battery.type: ") must not be
// mistaken for a section name, which has no space.
std::map<std::string, std::string> nut_variables(const std::string& file, const std::string& section = "upsc") {
  std::map<std::string, std::string> variables;
  std::istringstream text(testing::read_file(testing::corpus_path(file)));
  std::string line;
  bool in_upsc = false;
  while (std::getline(text, line)) {
    if (!line.empty() && line.back() == ':' && line.find(' ') == std::string::npos) {
      in_upsc = line == section + ":";
      continue;
    }
    if (!in_upsc) continue;
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (!driver_side(name)) variables[name] = value;
  }
  return variables;
}

std::vector<std::string> tokens(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string token; in >> token;) out.push_back(token);
  return out;
}

// The item a ups.status difference is listed under in known-differences.md, as parity_test.py
// names it: "ups.status (RB only)" when walnut's status is NUT's plus an RB NUT lacks (NUT 2.8.5
// raises RB for a missing battery), else the variable's own name.
std::string difference_item(const std::string& name, const std::string& nut, const std::string& walnut) {
  if (name != "ups.status") return name;
  std::vector<std::string> expected = tokens(nut), actual = tokens(walnut);
  if (std::count(actual.begin(), actual.end(), "RB") == 0 || std::count(expected.begin(), expected.end(), "RB") != 0) {
    return name;
  }
  actual.erase(std::remove(actual.begin(), actual.end(), "RB"), actual.end());
  return actual == expected ? name + " (RB only)" : name;
}

void expect_parity(const std::string& file) {
  auto device = bring_up(file);
  ASSERT_TRUE(device->error.empty()) << device->error;
  std::map<std::string, std::string> expected = nut_variables(file);
  ASSERT_FALSE(expected.empty()) << file << " has no upsc: section";
  std::map<std::string, std::string> actual;
  for (const auto& [name, variable] : device->state.variables()) {
    if (!driver_side(name)) actual[name] = variable.value;
  }
  for (const auto& [name, value] : expected) {
    if (testing::known_difference(file, name)) continue;
    auto found = actual.find(name);
    if (found == actual.end()) {
      ADD_FAILURE() << file << ": missing " << name << " (NUT: \"" << value << "\")";
    } else if (!testing::known_difference(file, difference_item(name, value, found->second))) {
      EXPECT_EQ(found->second, value) << file << ": " << name;
    }
  }
  for (const auto& [name, value] : actual) {
    if (expected.count(name) == 0 && !testing::known_difference(file, name)) ADD_FAILURE() << file << ": extra " << name << " = \"" << value << "\"";
  }
}

class ApcParity : public ::testing::TestWithParam<std::string> {};

TEST_P(ApcParity, PublishesWhatNutPublished) { expect_parity(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Corpus, ApcParity, ::testing::ValuesIn(corpus_files("apc-")),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ApcParity, CorpusHasApcFiles) { EXPECT_GE(corpus_files("apc-").size(), 5u); }

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 4);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class CyberPowerParity : public ::testing::TestWithParam<std::string> {};
TEST_P(CyberPowerParity, PublishesWhatNutPublished) { expect_parity(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Corpus, CyberPowerParity, ::testing::ValuesIn(corpus_files("cyberpower-")), test_name);

class TrippLiteParity : public ::testing::TestWithParam<std::string> {};
TEST_P(TrippLiteParity, PublishesWhatNutPublished) { expect_parity(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Corpus, TrippLiteParity, ::testing::ValuesIn(corpus_files("tripplite-")), test_name);

class EatonParity : public ::testing::TestWithParam<std::string> {};
TEST_P(EatonParity, PublishesWhatNutPublished) { expect_parity(GetParam()); }
// eaton-synthetic* (every MGE path) is compared by the live parity suite only: its recorded
// `upsc:` lacks the 3-phase names (input.L1-N.voltage, ...) because nut-oracle.py keeps only
// lower-case variable names, so it is no complete record of what stock published.
INSTANTIATE_TEST_SUITE_P(Corpus, EatonParity, ::testing::ValuesIn(corpus_files("eaton-3s-")), test_name);
// The MGE model-series captures (synthetic): their ups.date/ups.time are local time, recorded
// by the oracle with TZ=UTC.
class EatonModelParity : public ::testing::TestWithParam<std::string> {};
TEST_P(EatonModelParity, PublishesWhatNutPublished) {
  testing::ScopedTimeZone utc("UTC0");
  expect_parity(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Corpus, EatonModelParity, ::testing::ValuesIn(corpus_files("eaton-model-")), test_name);

// The other families of NUT 2.8.5 (synthetic descriptors where no public log exists).
class FamilyParity : public ::testing::TestWithParam<std::string> {};
TEST_P(FamilyParity, PublishesWhatNutPublished) { expect_parity(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Idowell, FamilyParity, ::testing::ValuesIn(corpus_files("idowell-")), test_name);
INSTANTIATE_TEST_SUITE_P(Liebert, FamilyParity, ::testing::ValuesIn(corpus_files("liebert-")), test_name);
INSTANTIATE_TEST_SUITE_P(Legrand, FamilyParity, ::testing::ValuesIn(corpus_files("legrand-")), test_name);
INSTANTIATE_TEST_SUITE_P(Salicru, FamilyParity, ::testing::ValuesIn(corpus_files("salicru-")), test_name);
INSTANTIATE_TEST_SUITE_P(DeltaUps, FamilyParity, ::testing::ValuesIn(corpus_files("delta-")), test_name);
INSTANTIATE_TEST_SUITE_P(OpenUps, FamilyParity, ::testing::ValuesIn(corpus_files("openups-")), test_name);
INSTANTIATE_TEST_SUITE_P(PowerCom, FamilyParity, ::testing::ValuesIn(corpus_files("powercom-")), test_name);
INSTANTIATE_TEST_SUITE_P(Belkin, FamilyParity, ::testing::ValuesIn(corpus_files("belkin-")), test_name);
// ever-synthetic* is compared by the live parity suite only: its recorded `upsc:` lacks the
// experimental.statistics.*_AVR_* names (nut-oracle.py keeps lower-case names only), and on pattern
// seeds NUT's ever_format_hardware_fun prints memory past its table (known-differences.md).
// EcoFlow came after 2.8.0 (no 2.8.0 oracle): its capture's `upsc:` is 2.8.5's rows worked out by hand.
INSTANTIATE_TEST_SUITE_P(EcoFlow, FamilyParity, ::testing::ValuesIn(corpus_files("ecoflow-")), test_name);
INSTANTIATE_TEST_SUITE_P(Arduino, FamilyParity, ::testing::ValuesIn(corpus_files("arduino-")), test_name);
INSTANTIATE_TEST_SUITE_P(Powervar, FamilyParity, ::testing::ValuesIn(corpus_files("powervar-")), test_name);

// Captures with an `upsc-2.8.5:` section (rows stock 2.8.0 cannot be the oracle for): walnut
// publishes exactly those variables, none missing, none extra, no known difference excused.
void expect_nut_285(const std::string& file) {
  auto device = bring_up(file);
  ASSERT_TRUE(device->error.empty()) << device->error;
  const std::map<std::string, std::string> expected = nut_variables(file, "upsc-2.8.5");
  ASSERT_FALSE(expected.empty()) << file << " has no upsc-2.8.5: section";
  std::map<std::string, std::string> actual;
  for (const auto& [name, variable] : device->state.variables()) {
    if (!driver_side(name)) actual[name] = variable.value;
  }
  EXPECT_EQ(actual, expected) << file;
}

class FamilyParity285 : public ::testing::TestWithParam<std::string> {};
TEST_P(FamilyParity285, PublishesWhatNut285sSourceGives) { expect_nut_285(GetParam()); }
// cyberpower-synthetic: 2.8.5's frequency scaling, temperature, NeedReplacement, battery date,
// power rows and descriptor fixes (the capture's header works each value out).
INSTANTIATE_TEST_SUITE_P(CyberPower285, FamilyParity285, ::testing::Values("cyberpower-synthetic.txt"), test_name);

// A device no subdriver claims, read with explore (as the oracle reads it): identity only.
class ExploreParity : public ::testing::TestWithParam<std::string> {};
TEST_P(ExploreParity, PublishesWhatNutPublished) { expect_parity(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Corpus, ExploreParity, ::testing::ValuesIn(corpus_files("unknown-")), test_name);

}  // namespace
}  // namespace walnut::mapping
