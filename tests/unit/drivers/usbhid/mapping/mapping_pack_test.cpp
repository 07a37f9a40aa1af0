// Packed mappings (mapping_pack.h): every compiled-in mapping packs and unpacks to what its YAML
// loads to, the tables the build packed into this program are those of the YAML in the tree,
// and a damaged blob is an error, never a crash.
#include "drivers/usbhid/mapping/mapping_pack.h"

#include <gtest/gtest.h>

#include <string>

#include "drivers/usbhid/hid/embedded_usage_tables.h"
#include "drivers/usbhid/hid/usage_table.h"
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/embedded_yaml.h"

namespace walnut::mapping {
namespace {

// Every compiled-in mapping, read from its YAML.
std::vector<Mapping> yaml_mappings() {
  std::vector<Mapping> mappings;
  for (std::size_t i = 0; i < embedded::kFileCount; ++i) {
    const std::string name = embedded::kFiles[i].name;
    if (name == "common") continue;
    auto loaded = load_mapping(embedded::kFiles[i].text, name + ".yaml");
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    if (loaded.ok()) mappings.push_back(std::move(*loaded));
  }
  return mappings;
}

Mapping claim_side_of(Mapping mapping) {
  mapping.model_names.clear();
  mapping.lookups.clear();
  mapping.entries.clear();
  return mapping;
}

TEST(MappingPack, EveryBuiltinMappingRoundTrips) {
  const std::vector<Mapping> mappings = yaml_mappings();
  ASSERT_GE(mappings.size(), 17u);
  for (const Mapping& mapping : mappings) {
    auto whole = unpack_mapping(pack_mapping(mapping));
    ASSERT_TRUE(whole.ok()) << whole.error();
    EXPECT_TRUE(*whole == mapping) << mapping.name;
    auto claims = unpack_mapping(pack_mapping(mapping, PackedPart::kClaimSide), PackedPart::kClaimSide);
    ASSERT_TRUE(claims.ok()) << claims.error();
    EXPECT_TRUE(*claims == claim_side_of(mapping)) << mapping.name;
  }
}

TEST(MappingPack, TheProgramsPackedTablesAreTheTreesYaml) {
  const std::vector<Mapping> mappings = yaml_mappings();
  ASSERT_EQ(packed_mappings().size(), mappings.size());
  ASSERT_EQ(packed_claims().size(), mappings.size());
  for (const Mapping& mapping : mappings) {
    auto builtin = builtin_mapping(mapping.name);
    ASSERT_TRUE(builtin.ok()) << builtin.error();
    EXPECT_TRUE(*builtin == mapping) << mapping.name;
    bool claimed = false;
    for (const Mapping& claims : builtin_claims()) {
      if (claims.name != mapping.name) continue;
      claimed = true;
      EXPECT_TRUE(claims == claim_side_of(mapping)) << mapping.name;
    }
    EXPECT_TRUE(claimed) << mapping.name;
  }
}

TEST(MappingPack, TheProgramsPackedUsageTablesAreTheTreesYaml) {
  ASSERT_EQ(hid::UsageTable::packed_tables().size(), hid::embedded::kFileCount);
  for (std::size_t i = 0; i < hid::embedded::kFileCount; ++i) {
    const std::string name = hid::embedded::kFiles[i].name;
    auto from_yaml = hid::UsageTable::read_names(hid::embedded::kFiles[i].text, name);
    ASSERT_TRUE(from_yaml.ok()) << from_yaml.error();
    bool found = false;
    for (const PackedFile& file : hid::UsageTable::packed_tables()) {
      if (file.name != name) continue;
      found = true;
      auto packed = hid::UsageTable::unpack_names(file.view(), name);
      ASSERT_TRUE(packed.ok()) << packed.error();
      ASSERT_EQ(packed->size(), from_yaml->size()) << name;
      for (std::size_t k = 0; k < packed->size(); ++k) {
        EXPECT_EQ((*packed)[k].usage, (*from_yaml)[k].usage) << name << " #" << k;
        EXPECT_EQ((*packed)[k].name, (*from_yaml)[k].name) << name << " #" << k;
      }
    }
    EXPECT_TRUE(found) << name;
  }
}

TEST(MappingPack, EveryTruncationIsAnError) {
  auto apc = builtin_mapping("apc");
  ASSERT_TRUE(apc.ok()) << apc.error();
  const std::string bytes = pack_mapping(*apc);
  for (std::size_t size = 0; size < bytes.size(); size += 7) {
    auto cut = unpack_mapping(std::string_view(bytes).substr(0, size));
    EXPECT_FALSE(cut.ok()) << "cut at " << size;
  }
  auto longer = unpack_mapping(bytes + "x");
  ASSERT_FALSE(longer.ok());
  EXPECT_NE(longer.error().find("left over"), std::string::npos) << longer.error();
}

TEST(MappingPack, AConverterThisProgramDoesNotKnowIsAnError) {
  Mapping mapping;
  mapping.name = "odd";
  Lookup lookup;
  lookup.name = "odd_lookup";
  lookup.converter = find_converter("date");
  ASSERT_NE(lookup.converter, nullptr);
  mapping.lookups.push_back(lookup);
  std::string bytes = pack_mapping(mapping);
  const std::size_t at = bytes.find("date");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 4, "dxte");
  auto unpacked = unpack_mapping(bytes);
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.error(), "packed mapping \"odd\": unknown converter \"dxte\"");
}

TEST(MappingPack, ARowsLookupIndexMustBeInRange) {
  Mapping mapping;
  mapping.name = "odd";
  Entry entry;
  entry.name = "ups.load";
  entry.path = "UPS.PowerSummary.PercentLoad";
  entry.lookup = 3;  // no lookups at all
  mapping.entries.push_back(entry);
  auto unpacked = unpack_mapping(pack_mapping(mapping));
  ASSERT_FALSE(unpacked.ok());
  EXPECT_NE(unpacked.error().find("lookup index out of range"), std::string::npos) << unpacked.error();
}

}  // namespace
}  // namespace walnut::mapping
