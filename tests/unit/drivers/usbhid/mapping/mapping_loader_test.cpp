// The YAML loader: the compiled-in mappings load, and bad files fail with file:line messages.
#include "drivers/usbhid/mapping/mapping.h"

#include <gtest/gtest.h>

namespace walnut::mapping {
namespace {

std::string error_of(const std::string& yaml) {
  auto mapping = load_mapping(yaml, "test.yaml");
  return mapping.ok() ? "" : mapping.error();
}

const char* kHeader = "subdriver: t\nversion: T 1\nusage_table: apc\n";

TEST(MappingLoader, EveryBuiltinMappingLoads) {
  ASSERT_FALSE(builtin_mapping_names().empty());
  for (const std::string& name : builtin_mapping_names()) {
    auto mapping = builtin_mapping(name);
    EXPECT_TRUE(mapping.ok()) << (mapping.ok() ? "" : mapping.error());
  }
}

TEST(MappingLoader, UsbNumbersAreCheckedAndKept) {
  auto mapping = load_mapping(std::string(kHeader) + "usb: {rep_index: 2, ep_in: 4, ep_out: 5, desc_index: 1}\n", "t.yaml");
  ASSERT_TRUE(mapping.ok()) << (mapping.ok() ? "" : mapping.error());
  EXPECT_EQ(mapping->usb.rep_index, 2);
  EXPECT_EQ(mapping->usb.desc_index, 1);
  EXPECT_EQ(mapping->usb.ep_in, 4);
  EXPECT_EQ(mapping->usb.ep_out, 5);
  EXPECT_NE(error_of(std::string(kHeader) + "usb: {ep_in: 16}\n").find("ep_in must be 0..15"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "usb: {interface: 1}\n").find("unknown usb key \"interface\""),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "usb: 2\n").find("usb must be a map"), std::string::npos);
}

TEST(MappingLoader, ModelNamesAreCheckedAndKept) {
  auto mapping = load_mapping(std::string(kHeader) + "model_names:\n  - [ELLIPSE, \"300\", MGE_DEFAULT_OFFLINE, ellipse 300]\n"
                                                     "  - [Eaton 5PX, \"1500\", EATON_5P, null]\n", "t.yaml");
  ASSERT_TRUE(mapping.ok()) << (mapping.ok() ? "" : mapping.error());
  ASSERT_EQ(mapping->model_names.size(), 2u);
  EXPECT_EQ(mapping->model_names[0], (Mapping::ModelName{"ELLIPSE", "300", 0, "ellipse 300"}));
  EXPECT_EQ(mapping->model_names[1], (Mapping::ModelName{"Eaton 5PX", "1500", 0x500, ""}));
  EXPECT_NE(error_of(std::string(kHeader) + "model_names:\n  - [3S, \"700\", MGE_4S, null]\n")
                .find("unknown model type \"MGE_4S\""),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "model_names:\n  - [3S, \"700\"]\n").find("a model name is"),
            std::string::npos);
  // The mge mapping carries NUT 2.8.5's 133 rows; its claim side (packed apart) leaves them out.
  auto mge = builtin_mapping("mge");
  ASSERT_TRUE(mge.ok());
  EXPECT_EQ(mge->model_names.size(), 133u);
  for (const Mapping& claims : builtin_claims()) {
    if (claims.name == "mge") {
      EXPECT_TRUE(claims.model_names.empty());
    }
  }
}

TEST(MappingLoader, DriverDefaultsAreCheckedAndKept) {
  const char* header = "subdriver: x\nversion: X 1\nusage_table: apc\n";
  auto loaded = load_mapping(std::string(header) + "driver: {pollfreq: 12, delays_in_minutes: true}\n", "x.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->driver.pollfreq, 12);
  EXPECT_TRUE(loaded->driver.delays_in_minutes);
  EXPECT_FALSE(loaded->driver.suggest_pollonly);
  auto zero = load_mapping(std::string(header) + "driver: {pollfreq: 0}\n", "x.yaml");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error(), "x.yaml:4: pollfreq: 1 to 86400 seconds");
  auto odd = load_mapping(std::string(header) + "driver:\n  pollfrequency: 12\n", "x.yaml");
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().find("x.yaml:5: driver: unknown key \"pollfrequency\""), std::string::npos) << odd.error();
  auto cps = builtin_mapping("cps");
  ASSERT_TRUE(cps.ok());
  EXPECT_EQ(cps->driver.pollfreq, 12);  // NUT 2.8.5's DEFAULT_POLLFREQ_CPS
  EXPECT_TRUE(cps->driver.suggest_pollonly);
  EXPECT_FALSE(builtin_mapping("apc")->driver.pollfreq);
}

TEST(MappingLoader, BuiltinOrderIsNutsClaimOrder) {
  const auto& names = builtin_mapping_names();
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(names.front(), "explore");
  EXPECT_LT(std::find(names.begin(), names.end(), "apc"), std::find(names.begin(), names.end(), "cps"));
}

TEST(MappingLoader, ApcTableKeepsNutsRowsInOrder) {
  auto apc = builtin_mapping("apc");
  ASSERT_TRUE(apc.ok());
  EXPECT_EQ(apc->version, "APC HID 0.101");  // 2.8.5's name for the same rows
  ASSERT_GT(apc->entries.size(), 90u);
  EXPECT_EQ(apc->entries[0].name, "battery.charge");
  EXPECT_EQ(apc->entries[0].format, "%.0f");
  const Entry& low = apc->entries[1];
  EXPECT_EQ(low.name, "battery.charge.low");
  EXPECT_EQ(low.info_flags, 3u);  // RW | STRING
  EXPECT_EQ(low.info_length, 10);
  EXPECT_EQ(low.hid_flags, unsigned{kHidSemiStatic});
  EXPECT_EQ(apc->entries.back().name, "beeper.mute");
  EXPECT_EQ(apc->entries.back().kind, EntryKind::kCommand);
  EXPECT_EQ(apc->entries.back().format, "3");
}

TEST(MappingLoader, StatusRowsNameTheirLookup) {
  auto mapping = load_mapping(std::string(kHeader) + "table:\n  - {status: online, path: UPS.PowerSummary.ACPresent}\n", "t");
  ASSERT_TRUE(mapping.ok()) << mapping.error();
  const Entry& entry = mapping->entries.at(0);
  EXPECT_EQ(entry.kind, EntryKind::kStatus);
  EXPECT_EQ(entry.name, "BOOL");
  ASSERT_NE(mapping->lookup_of(entry), nullptr);
  EXPECT_EQ(mapping->lookup_of(entry)->entries.at(0).nut_value, "online");
}

TEST(MappingLoader, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of(std::string(kHeader) + "table:\n  - {var: x, path: UPS.X, format: \"%.0f\", hid: [semistatic]}\n"),
            "test.yaml:5: unknown hid flag \"semistatic\" (static, semi_static, absent, quick_poll, stale, enum, param_required)");
  EXPECT_EQ(error_of(std::string(kHeader) + "table:\n  - {var: x, path: UPS.X, lookup: nope}\n"),
            "test.yaml:5: unknown lookup \"nope\"");
}

TEST(MappingLoader, RejectsUnsafeOrMissingFormats) {
  EXPECT_NE(error_of(std::string(kHeader) + "table:\n  - {var: x, path: UPS.X, format: \"%s\"}\n"), "");
  EXPECT_NE(error_of(std::string(kHeader) + "table:\n  - {var: x, path: UPS.X}\n"), "");
  EXPECT_NE(error_of(std::string(kHeader) + "table:\n  - {var: x, path: UPS.X, hid: [absent]}\n"), "");
}

TEST(MappingLoader, RejectsStructuralMistakes) {
  EXPECT_NE(error_of("just text"), "");
  EXPECT_NE(error_of("subdriver: t\n"), "");                                // no version
  EXPECT_NE(error_of(std::string(kHeader) + "colour: blue\n"), "");          // unknown key
  EXPECT_NE(error_of(std::string(kHeader) + "table:\n  - {path: UPS.X}\n"), "");  // no kind
  EXPECT_NE(error_of(std::string(kHeader) + "table:\n  - {var: x, cmd: y, path: UPS.X, value: \"1\"}\n"), "");
  EXPECT_NE(error_of(std::string(kHeader) + "table:\n  - {cmd: y, path: UPS.X}\n"), "");  // no value
  EXPECT_NE(error_of(std::string(kHeader) + "claims:\n  - {vendor: 0x10000, product: 1}\n"), "");
  EXPECT_NE(error_of(std::string(kHeader) + "lookups:\n  l: [[x, y]]\n"), "");
  EXPECT_NE(error_of(std::string(kHeader) + "lookups:\n  l: {converter: teleport}\n"), "");
  EXPECT_NE(error_of("{unbalanced: [\n"), "");
  EXPECT_EQ(error_of(std::string(kHeader) + "claims:\n  - {vendor: 1, product: 2, maker: AEG, maker_in_product: maybe}\n"),
            "test.yaml:5: maker_in_product: true or false");
}

TEST(MappingLoader, FileLookupsShadowSharedOnes) {
  auto mapping = load_mapping(std::string(kHeader) +
                                  "lookups:\n  beeper: [[9, \"loud\"]]\n"
                                  "table:\n  - {var: ups.beeper.status, path: UPS.X, lookup: beeper}\n",
                              "t");
  ASSERT_TRUE(mapping.ok()) << mapping.error();
  EXPECT_EQ(mapping->lookup_of(mapping->entries[0])->entries.at(0).nut_value, "loud");
}

}  // namespace
}  // namespace walnut::mapping
