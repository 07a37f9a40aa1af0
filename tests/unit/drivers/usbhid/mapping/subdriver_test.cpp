// Subdriver selection in NUT's order, and the claimed-id table the udev rules come from.
#include "drivers/usbhid/mapping/subdriver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "drivers/usbhid/mapping/embedded_yaml.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::mapping {
namespace {

SelectionRequest device(std::uint16_t vendor, std::uint16_t product) {
  SelectionRequest request;
  request.vendor_id = vendor;
  request.product_id = product;
  return request;
}

TEST(Subdriver, ApcClaimsItsProducts) {
  auto selection = select_subdriver(device(0x051d, 0x0002));
  ASSERT_TRUE(selection.ok()) << selection.error();
  EXPECT_EQ(selection->key, "apc");
  EXPECT_EQ(selection->version, "APC HID 0.101");  // 2.8.5's apc-hid.c:35
  EXPECT_FALSE(selection->quirks.disable_interrupt_pipe);
}

TEST(Subdriver, Apc5gModelsDisableTheInterruptPipe) {
  auto selection = select_subdriver(device(0x051d, 0x0003));
  ASSERT_TRUE(selection.ok());
  EXPECT_TRUE(selection->quirks.disable_interrupt_pipe);
}

// NUT 2.8.5's ids: 0004 (Smart-UPS 1000 with firmware 04.3, #1429) as the 5G models, and 0005
// (#3047) plainly; 0006 is still only "possibly supported".
TEST(Subdriver, ApcClaimsNut285sNewIds) {
  auto smart = select_subdriver(device(0x051d, 0x0004));
  ASSERT_TRUE(smart.ok()) << smart.error();
  EXPECT_EQ(smart->key, "apc");
  EXPECT_TRUE(smart->quirks.disable_interrupt_pipe);
  auto newer = select_subdriver(device(0x051d, 0x0005));
  ASSERT_TRUE(newer.ok()) << newer.error();
  EXPECT_EQ(newer->key, "apc");
  EXPECT_FALSE(newer->quirks.disable_interrupt_pipe);
  EXPECT_FALSE(select_subdriver(device(0x051d, 0x0006)).ok());
}

// NUT 2.8.5's Delta/Minuteman PRO1500RT2U (05dd:a0a0) is Tripp Lite's, with the 1.0 battery
// scale, although Delta's own subdriver knows the vendor.
TEST(Subdriver, MinutemanPro1500rt2uIsTrippLites) {
  auto selection = select_subdriver(device(0x05dd, 0xa0a0));
  ASSERT_TRUE(selection.ok()) << selection.error();
  EXPECT_EQ(selection->key, "tripplite");
  EXPECT_EQ(selection->version, "TrippLite HID 0.85");
}

TEST(Subdriver, BackUpsCsGetsTheMaxReportTweak) {
  SelectionRequest request = device(0x051d, 0x0002);
  request.product = "Back-UPS CS 650 FW:817.v4.I USB FW:v4";
  EXPECT_TRUE(select_subdriver(request)->quirks.max_report_size);
  request.product = "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2";
  EXPECT_FALSE(select_subdriver(request)->quirks.max_report_size);
}

TEST(Subdriver, UnknownProductOfKnownVendorNeedsProductidOption) {
  auto refused = select_subdriver(device(0x051d, 0x0009));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("This APC device (051d:0009) is not (or perhaps not yet) supported"),
            std::string::npos);
  SelectionRequest request = device(0x051d, 0x0009);
  request.productid_option = true;
  EXPECT_EQ(select_subdriver(request)->key, "apc");
}

// NUT's arduino_claim / powervar_claim set the USB interface and endpoints (arduino-hid.c:157-186,
// powervar-hid.c:121-135): the transport asks before it claims an interface.
TEST(Subdriver, ArduinoAndPowervarNameTheirUsbInterface) {
  const UsbHidNumbers arduino = claim_usb_numbers(device(0x2341, 0x8036));
  EXPECT_EQ(arduino.rep_index, 2);
  EXPECT_EQ(arduino.ep_in, 4);
  EXPECT_EQ(arduino.ep_out, 5);
  EXPECT_EQ(select_subdriver(device(0x2a03, 0x0040))->version, "Arduino HID 0.22");
  const UsbHidNumbers powervar = claim_usb_numbers(device(0x4234, 0x0002));
  EXPECT_EQ(powervar.rep_index, 1);
  EXPECT_FALSE(powervar.ep_in.has_value());
  EXPECT_FALSE(claim_usb_numbers(device(0x051d, 0x0002)).any());  // APC: the transport's choice
  // An unlisted Arduino product is claimed only with productid, and then with the same numbers.
  EXPECT_FALSE(claim_usb_numbers(device(0x2341, 0x1234)).any());
  SelectionRequest request = device(0x2341, 0x1234);
  request.productid_option = true;
  EXPECT_EQ(claim_usb_numbers(request).rep_index, 2);
  request = device(0x051d, 0x0002);
  request.subdriver = "arduino";  // a forced subdriver brings its numbers
  EXPECT_EQ(claim_usb_numbers(request).ep_in, 4);
}

// belkin_claim (belkin-hid.c:640-700): Liebert 10af:0002 serves HID on interface 1; Belkin's
// 050d:0218 is a USB hub, refused without a word even with productid.
TEST(Subdriver, BelkinClaimsPerProduct) {
  EXPECT_EQ(claim_usb_numbers(device(0x10af, 0x0002)).rep_index, 1);
  EXPECT_FALSE(claim_usb_numbers(device(0x10af, 0x0000)).any());
  EXPECT_FALSE(claim_usb_numbers(device(0x050d, 0x0980)).any());
  SelectionRequest hub = device(0x050d, 0x0218);
  hub.productid_option = true;
  auto refused = select_subdriver(hub);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "no subdriver claims USB device 050d:0218");
  auto other = select_subdriver(device(0x050d, 0x0219));  // any other unknown Belkin product
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().find("This Belkin device (050d:0219)"), std::string::npos);
  auto liebert = select_subdriver(device(0x10af, 0x0009));  // belkin-hid.c:681
  ASSERT_FALSE(liebert.ok());
  EXPECT_NE(liebert.error().find("This Liebert device (10af:0009)"), std::string::npos);
}

TEST(Subdriver, UnknownVendorIsRefusedUnlessExploring) {
  EXPECT_FALSE(select_subdriver(device(0x5131, 0x2007)).ok());
  SelectionRequest request = device(0x5131, 0x2007);
  request.explore = true;
  EXPECT_EQ(select_subdriver(request)->key, "explore");
  request = device(0x051d, 0x0002);  // explore comes first in NUT's list
  request.explore = true;
  EXPECT_EQ(select_subdriver(request)->key, "explore");
}

TEST(Subdriver, SubdriverOptionPicksByKeyOrName) {
  SelectionRequest request = device(0x1234, 0x5678);
  request.subdriver = "cps";
  EXPECT_EQ(select_subdriver(request)->key, "cps");
  request.subdriver = "apc hid";
  EXPECT_EQ(select_subdriver(request)->key, "apc");
  request.subdriver = "nonesuch";
  EXPECT_FALSE(select_subdriver(request).ok());
}

TEST(Subdriver, CyberPowerClaims) { EXPECT_EQ(select_subdriver(device(0x0764, 0x0501))->key, "cps"); }

// NUT 2.8.5 (cps-hid.c:93, commit f17d9f542): Cyber Energy's 0483:a430 is CyberPower's. 0483 is
// ST Microelectronics' id, shared with EVER's a113; cps comes first in NUT's list, so an unknown
// 0483 product is "possibly supported" by CyberPower and, with productid, claimed by it.
TEST(Subdriver, CyberEnergyIsCyberPowersAndEverKeepsItsId) {
  auto cyber_energy = select_subdriver(device(0x0483, 0xa430));
  ASSERT_TRUE(cyber_energy.ok()) << cyber_energy.error();
  EXPECT_EQ(cyber_energy->key, "cps");
  EXPECT_EQ(cyber_energy->version, "CyberPower HID 0.85");
  EXPECT_FALSE(cyber_energy->quirks.battery_scale_check);  // no cps_battery_scale hook
  EXPECT_EQ(select_subdriver(device(0x0483, 0xa113))->key, "ever");
  auto unknown = select_subdriver(device(0x0483, 0x1234));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("This CyberPower device (0483:1234) is not (or perhaps not yet) supported"),
            std::string::npos) << unknown.error();
  SelectionRequest request = device(0x0483, 0x1234);
  request.productid_option = true;
  EXPECT_EQ(select_subdriver(request)->key, "cps");
}

TEST(Subdriver, ClaimedDevicesListEveryIdOnceInClaimOrder) {
  auto devices = claimed_devices();
  ASSERT_FALSE(devices.empty());
  // Grouped by subdriver, subdrivers in NUT's claim order.
  const auto& order = builtin_mapping_names();
  auto rank = [&](const std::string& key) { return std::find(order.begin(), order.end(), key) - order.begin(); };
  for (std::size_t i = 1; i < devices.size(); ++i) {
    EXPECT_LE(rank(devices[i - 1].subdriver), rank(devices[i].subdriver));
  }
  bool apc0002 = false;
  for (const auto& d : devices) apc0002 |= d.vendor_id == 0x051d && d.product_id == 0x0002 && d.subdriver == "apc";
  EXPECT_TRUE(apc0002);
}

// builtin_claims() unpacks each file's claim side, packed apart from its table: it must read the
// same as the whole file does.
TEST(BuiltinClaims, TheClaimSideReadsAsTheWholeFileDoes) {
  // Every compiled-in file but the shared common.yaml has its claim side read (a file whose
  // claim side fails to load would be logged and left out).
  std::size_t files = 0;
  for (std::size_t i = 0; i < embedded::kFileCount; ++i) files += std::string_view(embedded::kFiles[i].name) != "common";
  ASSERT_EQ(builtin_claims().size(), files);
  for (const Mapping& claims : builtin_claims()) {
    Result<Mapping> whole = builtin_mapping(claims.name);
    ASSERT_TRUE(whole.ok()) << whole.error();
    EXPECT_FALSE(whole->entries.empty() && !whole->explore) << claims.name;
    EXPECT_EQ(claims.version, whole->version) << claims.name;
    EXPECT_EQ(claims.claim_order, whole->claim_order) << claims.name;
    EXPECT_EQ(claims.explore, whole->explore) << claims.name;
    EXPECT_EQ(claims.usage_table, whole->usage_table) << claims.name;
    EXPECT_EQ(claims.claims, whole->claims) << claims.name;
    EXPECT_EQ(claims.possibly_supported, whole->possibly_supported) << claims.name;
    EXPECT_EQ(claims.quiet_vendors, whole->quiet_vendors) << claims.name;
    EXPECT_EQ(claims.unsupported, whole->unsupported) << claims.name;
    EXPECT_EQ(claims.mfr_format, whole->mfr_format) << claims.name;
    EXPECT_EQ(claims.model_format, whole->model_format) << claims.name;
    EXPECT_EQ(claims.serial_format, whole->serial_format) << claims.name;
    EXPECT_EQ(claims.fix_report_descriptor, whole->fix_report_descriptor) << claims.name;
  }
}

}  // namespace
}  // namespace walnut::mapping

namespace walnut::mapping {
namespace {

TEST(Subdriver, TrippLiteClaimsAndRefusals) {
  EXPECT_EQ(select_subdriver(device(0x09ae, 0x3016))->key, "tripplite");
  SelectionRequest serial_over_usb = device(0x09ae, 0x0001);
  serial_over_usb.productid_option = true;  // refused even then
  auto refused = select_subdriver(serial_over_usb);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("Please use the tripplite_usb driver instead."), std::string::npos);
  auto hp = select_subdriver(device(0x03f0, 0x9999));
  ASSERT_FALSE(hp.ok());
  EXPECT_EQ(hp.error().find("is not (or perhaps not yet) supported"), std::string::npos);  // quietly
  SelectionRequest hp_forced = device(0x03f0, 0x9999);
  hp_forced.productid_option = true;
  EXPECT_TRUE(select_subdriver(hp_forced).ok());
}

// A vendor is data: any subdriver key is selectable, in the order its file asks for.
TEST(Subdriver, AnyKeyIsSelectableInTheOrderItsFileAsks) {
  auto load = [](const std::string& yaml) {
    auto mapping = load_mapping(yaml, "t.yaml");
    EXPECT_TRUE(mapping.ok()) << mapping.error();
    return mapping.ok() ? *mapping : Mapping{};
  };
  std::vector<Mapping> mappings = {
      load("subdriver: zeta\nversion: Zeta HID 1\nclaims: [{vendor: 0x3746, product: 0xffff}]\n"),
      load("subdriver: ecoflow\nversion: EcoFlow HID 1\nclaims: [{vendor: 0x3746, product: 0xffff}]\n"),
      load("subdriver: first\nversion: First HID 1\nclaim_order: 5\nclaims: [{vendor: 0x3746, product: 0xffff}]\n"),
  };
  sort_in_claim_order(mappings);
  EXPECT_EQ(mappings[0].name, "first");
  EXPECT_EQ(mappings[1].name, "ecoflow");
  mappings.erase(mappings.begin());
  auto selection = select_subdriver(device(0x3746, 0xffff), mappings);
  ASSERT_TRUE(selection.ok()) << selection.error();
  EXPECT_EQ(selection->key, "ecoflow");
  SelectionRequest by_name = device(0x3746, 0xffff);
  by_name.subdriver = "zeta";
  EXPECT_EQ(select_subdriver(by_name, mappings)->key, "zeta");
}

TEST(Subdriver, SharedPhoenixtecIdGoesToMgeOnlyForAeg) {
  SelectionRequest liebert = device(0x06da, 0xffff);
  liebert.vendor = "Phoenixtec";
  EXPECT_EQ(select_subdriver(liebert)->key, "liebert");
  SelectionRequest aeg = device(0x06da, 0xffff);
  aeg.product = "AEG PROTECT NAS";
  EXPECT_EQ(select_subdriver(aeg)->key, "mge");
  SelectionRequest kstar = device(0x09d6, 0x0001);
  EXPECT_FALSE(select_subdriver(kstar));  // KSTAR's id, but not made by KSTAR: nobody claims
  kstar.vendor = "KSTAR";
  EXPECT_EQ(select_subdriver(kstar)->key, "mge");
}

TEST(Subdriver, BuiltinsAreEveryMappingFileInNutsOrder) {
  const std::vector<std::string>& names = builtin_mapping_names();
  ASSERT_GE(names.size(), 5u);
  EXPECT_EQ(names[0], "explore");
  EXPECT_EQ(names[1], "mge");
  EXPECT_TRUE(std::is_sorted(names.begin() + 2, names.end()));
  for (const Mapping& mapping : builtin_claims()) {
    EXPECT_TRUE(mapping.entries.empty()) << mapping.name;  // the claim side only
    EXPECT_FALSE(builtin_mapping_text(mapping.name).empty()) << mapping.name;
  }
}

}  // namespace
}  // namespace walnut::mapping
