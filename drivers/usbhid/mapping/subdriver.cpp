// Subdriver selection (NUT 2.8.0 usbhid-ups.c callback/match_function_subdriver, the claim
// functions and usb-common.c is_usb_device_supported) over the compiled-in mappings.
#include "drivers/usbhid/mapping/subdriver.h"

#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <map>

#include "common/log.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::mapping {
namespace {

// The compiled-in mappings, parsed once, in NUT's claim order. A mapping that fails to load
// is a build defect the unit tests catch; it is left out here rather than crashing a driver.
const std::vector<Mapping>& mappings() {
  static const std::vector<Mapping> all = [] {
    std::vector<Mapping> loaded;
    for (const std::string& name : builtin_mapping_names()) {
      Result<Mapping> mapping = builtin_mapping(name);
      if (mapping.ok()) loaded.push_back(std::move(mapping.value()));
      else log::error("{}", mapping.error());
    }
    return loaded;
  }();
  return all;
}

enum class Support { kNot, kPossibly, kSupported };

Support support_of(const Mapping& mapping, const SelectionRequest& request, const Claim** claim) {
  Support support = Support::kNot;
  for (const Claim& candidate : mapping.claims) {
    if (candidate.vendor_id != request.vendor_id) continue;
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

ClaimQuirks quirks_of(const Claim* claim, const SelectionRequest& request) {
  ClaimQuirks quirks;
  if (claim == nullptr) return quirks;
  if (claim->hook == "disable_interrupt_pipe") {
    quirks.disable_interrupt_pipe = true;
    log::info("interrupt pipe disabled (add 'pollonly' flag to 'ups.conf' to get rid of this message)");
  } else if (claim->hook == "apc_max_report") {
    // Some Back-UPS overflow on some report IDs (NUT's tweak_max_report list).
    if (!request.product) {
      log::warning("device->Product is NULL so it is not possible to determine whether to activate "
                   "max_report_size workaround");
    } else {
      for (std::string_view prefix : {"Back-UPS ES 525", "Back-UPS CS"}) {
        if (request.product->compare(0, prefix.size(), prefix) == 0) quirks.max_report_size = true;
      }
    }
  }
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
  if (request.subdriver) {
    for (const Mapping& mapping : mappings()) {
      if (strcasecmp(mapping.name.c_str(), request.subdriver->c_str()) == 0 ||
          starts_with_ignoring_case(mapping.version, *request.subdriver)) {
        const Claim* claim = nullptr;
        support_of(mapping, request, &claim);
        return Selection{mapping.name, mapping.version, quirks_of(claim, request)};
      }
    }
    return Error{fmt::format("no subdriver matches \"{}\"", *request.subdriver)};
  }
  std::string refusal;
  for (const Mapping& mapping : mappings()) {
    if (mapping.name == "explore") {
      if (request.explore) return Selection{mapping.name, mapping.version, {}};
      continue;
    }
    const Claim* claim = nullptr;
    switch (support_of(mapping, request, &claim)) {
      case Support::kSupported:
        return Selection{mapping.name, mapping.version, quirks_of(claim, request)};
      case Support::kPossibly: {
        const Mapping::Refusal* refused = nullptr;
        for (const Mapping::Refusal& r : mapping.unsupported) {
          if (r.vendor_id == request.vendor_id && r.product_id == request.product_id) refused = &r;
        }
        if (refused != nullptr) {
          if (refusal.empty()) refusal = refused->message;
          break;
        }
        if (request.productid_option) return Selection{mapping.name, mapping.version, {}};
        const bool quiet = std::find(mapping.quiet_vendors.begin(), mapping.quiet_vendors.end(),
                                     request.vendor_id) != mapping.quiet_vendors.end();
        if (!quiet && refusal.empty()) refusal = possibly_supported_message(mapping.possibly_supported, request);
        break;
      }
      case Support::kNot:
        break;
    }
  }
  if (!refusal.empty()) return Error{refusal};
  return Error{fmt::format("no subdriver claims USB device {:04x}:{:04x}", request.vendor_id, request.product_id)};
}

std::vector<ClaimedDevice> claimed_devices() {
  std::vector<ClaimedDevice> devices;
  for (const Mapping& mapping : mappings()) {
    for (const Claim& claim : mapping.claims) devices.push_back({claim.vendor_id, claim.product_id, mapping.name, mapping.version});
  }
  return devices;
}

}  // namespace walnut::mapping
