// Subdriver selection (NUT 2.8.0 usbhid-ups.c callback/match_function_subdriver, the claim
// functions and usb-common.c is_usb_device_supported) over the compiled-in mappings.
#include "drivers/usbhid/mapping/subdriver.h"

#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "common/log.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::mapping {
namespace {

enum class Support { kNot, kPossibly, kSupported };

bool contains(const std::optional<std::string>& text, const std::string& part) {
  return text && text->find(part) != std::string::npos;
}

Support support_of(const Mapping& mapping, const SelectionRequest& request, const Claim** claim) {
  Support support = Support::kNot;
  for (const Claim& candidate : mapping.claims) {
    if (candidate.vendor_id != request.vendor_id) continue;
    if (!candidate.maker.empty()) {
      // A shared vendor id: this subdriver claims any of its products made by `maker`, and is
      // silent about the others (NUT's mge_claim for Phoenixtec/AEG and KSTAR).
      if (contains(request.vendor, candidate.maker) ||
          (candidate.maker_in_product && contains(request.product, candidate.maker))) {
        if (candidate.product_id == request.product_id) *claim = &candidate;
        return Support::kSupported;
      }
      return Support::kNot;
    }
    support = Support::kPossibly;
    if (candidate.product_id != request.product_id) continue;
    *claim = &candidate;
    return Support::kSupported;
  }
  return support;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

ClaimQuirks quirks_of(const Mapping& mapping, const Claim* claim, const SelectionRequest& request) {
  if (claim == nullptr) return {};
  DeviceIdentity device;
  device.vendor_id = request.vendor_id;
  device.product_id = request.product_id;
  device.product = request.product;
  ClaimQuirks quirks = claim_quirks(mapping, device);
  if (!quirks.info.empty()) log::info("{}", quirks.info);
  if (!quirks.warning.empty()) log::warning("{}", quirks.warning);
  return quirks;
}

std::string possibly_supported_message(std::string_view vendor, const SelectionRequest& request) {
  return fmt::format(
      "This {} device ({:04x}:{:04x}) is not (or perhaps not yet) supported\n"
      "by usbhid-ups. Please make sure you have an up-to-date version of NUT. If\n"
      "this does not fix the problem, try running the driver with the\n"
      "'-x productid={:04x}' option. Please report your results to the NUT user's\n"
      "mailing list <nut-upsuser@lists.alioth.debian.org>.\n",
      vendor, request.vendor_id, request.product_id, request.product_id);
}

}  // namespace

Result<Selection> select_subdriver(const SelectionRequest& request) {
  return select_subdriver(request, builtin_claims());
}

namespace {

// The subdriver that claims the device and the claim row that matched (none for a forced
// subdriver, explore, or a POSSIBLY_SUPPORTED device taken on the productid option).
struct Claimant {
  const Mapping* mapping = nullptr;
  const Claim* claim = nullptr;
};

Result<Claimant> find_claimant(const SelectionRequest& request, const std::vector<Mapping>& mappings) {
  if (request.subdriver) {
    for (const Mapping& mapping : mappings) {
      if (strcasecmp(mapping.name.c_str(), request.subdriver->c_str()) == 0 ||
          starts_with_ignoring_case(mapping.version, *request.subdriver)) {
        const Claim* claim = nullptr;
        support_of(mapping, request, &claim);
        return Claimant{&mapping, claim};
      }
    }
    return Error{fmt::format("no subdriver matches \"{}\"", *request.subdriver)};
  }
  std::string refusal;
  for (const Mapping& mapping : mappings) {
    if (mapping.explore) {
      if (request.explore) return Claimant{&mapping, nullptr};
      continue;
    }
    const Claim* claim = nullptr;
    switch (support_of(mapping, request, &claim)) {
      case Support::kSupported:
        return Claimant{&mapping, claim};
      case Support::kPossibly: {
        const Mapping::Refusal* refused = nullptr;
        for (const Mapping::Refusal& r : mapping.unsupported) {
          if (r.vendor_id == request.vendor_id && r.product_id == request.product_id) refused = &r;
        }
        if (refused != nullptr) {
          // An empty message refuses silently (belkin_claim's 050d:0218 hub, belkin-hid.c:653).
          if (refusal.empty()) refusal = refused->message;
          break;
        }
        if (request.productid_option) return Claimant{&mapping, nullptr};
        const bool quiet = std::find(mapping.quiet_vendors.begin(), mapping.quiet_vendors.end(),
                                     request.vendor_id) != mapping.quiet_vendors.end();
        if (!quiet && refusal.empty()) {
          std::string_view vendor = mapping.possibly_supported;
          for (const auto& [id, name] : mapping.possibly_supported_vendors) {
            if (id == request.vendor_id) vendor = name;
          }
          refusal = possibly_supported_message(vendor, request);
        }
        break;
      }
      case Support::kNot:
        break;
    }
  }
  if (!refusal.empty()) return Error{refusal};
  return Error{fmt::format("no subdriver claims USB device {:04x}:{:04x}", request.vendor_id, request.product_id)};
}

}  // namespace

Result<Selection> select_subdriver(const SelectionRequest& request, const std::vector<Mapping>& mappings) {
  auto found = find_claimant(request, mappings);
  if (!found) return Error{found.error()};
  const Mapping& mapping = *found->mapping;
  return Selection{mapping.name, mapping.version, quirks_of(mapping, found->claim, request),
                   mapping.usage_table, mapping.driver};
}

UsbHidNumbers claim_usb_numbers(const SelectionRequest& request) {
  return claim_usb_numbers(request, builtin_claims());
}

UsbHidNumbers claim_usb_numbers(const SelectionRequest& request, const std::vector<Mapping>& mappings) {
  auto found = find_claimant(request, mappings);
  if (!found) return UsbHidNumbers{};
  UsbHidNumbers numbers = found->mapping->usb;
  if (const Claim* claim = found->claim) {
    if (claim->usb.rep_index) numbers.rep_index = claim->usb.rep_index;
    if (claim->usb.desc_index) numbers.desc_index = claim->usb.desc_index;
    if (claim->usb.ep_in) numbers.ep_in = claim->usb.ep_in;
    if (claim->usb.ep_out) numbers.ep_out = claim->usb.ep_out;
  }
  return numbers;
}

std::vector<ClaimedDevice> claimed_devices() {
  std::vector<ClaimedDevice> devices;
  for (const Mapping& mapping : builtin_claims()) {
    for (const Claim& claim : mapping.claims) {
      devices.push_back({claim.vendor_id, claim.product_id, mapping.name, mapping.version});
    }
  }
  return devices;
}

}  // namespace walnut::mapping
