// Packs and unpacks a Mapping field by field (mapping_pack.h). The order here is the format:
// the build packs and the driver unpacks with the same code, so no version field is needed.
#include "drivers/usbhid/mapping/mapping_pack.h"

#include <algorithm>

#include <fmt/format.h>

#include "drivers/usbhid/mapping/claim_hook.h"
#include "drivers/usbhid/mapping/converter.h"

namespace walnut::mapping {

namespace {

void pack_optional(PackWriter& out, const std::optional<std::uint8_t>& value) {
  out.unsigned_number(value ? *value + 1u : 0u);
}

void pack_usb(PackWriter& out, const UsbHidNumbers& usb) {
  pack_optional(out, usb.rep_index);
  pack_optional(out, usb.desc_index);
  pack_optional(out, usb.ep_in);
  pack_optional(out, usb.ep_out);
}

std::optional<std::uint8_t> unpack_optional(PackReader& in) {
  const std::uint64_t value = in.unsigned_number();
  if (value == 0 || value > 256) return std::nullopt;
  return static_cast<std::uint8_t>(value - 1);
}

std::uint16_t unpack_id(PackReader& in) { return static_cast<std::uint16_t>(in.unsigned_number()); }

void unpack_usb(PackReader& in, UsbHidNumbers& usb) {
  usb.rep_index = unpack_optional(in);
  usb.desc_index = unpack_optional(in);
  usb.ep_in = unpack_optional(in);
  usb.ep_out = unpack_optional(in);
}

void pack_claim_side(PackWriter& out, const Mapping& mapping) {
  out.text(mapping.name);
  out.text(mapping.version);
  out.signed_number(mapping.claim_order);
  out.flag(mapping.explore);
  out.text(mapping.usage_table);
  out.unsigned_number(mapping.claims.size());
  for (const Claim& claim : mapping.claims) {
    out.unsigned_number(claim.vendor_id);
    out.unsigned_number(claim.product_id);
    out.text(claim.hook != nullptr ? claim.hook->name : std::string_view{});
    out.text(claim.maker);
    out.flag(claim.maker_in_product);
    pack_usb(out, claim.usb);
  }
  pack_usb(out, mapping.usb);
  out.text(mapping.possibly_supported);
  out.unsigned_number(mapping.possibly_supported_vendors.size());
  for (const auto& [vendor, name] : mapping.possibly_supported_vendors) {
    out.unsigned_number(vendor);
    out.text(name);
  }
  out.unsigned_number(mapping.quiet_vendors.size());
  for (std::uint16_t vendor : mapping.quiet_vendors) out.unsigned_number(vendor);
  out.unsigned_number(mapping.unsupported.size());
  for (const Mapping::Refusal& refusal : mapping.unsupported) {
    out.unsigned_number(refusal.vendor_id);
    out.unsigned_number(refusal.product_id);
    out.text(refusal.message);
  }
  out.text(mapping.mfr_format);
  out.text(mapping.model_format);
  out.text(mapping.serial_format);
  out.text(mapping.fix_report_descriptor);
  out.unsigned_number(mapping.driver.pollfreq ? static_cast<unsigned>(*mapping.driver.pollfreq) : 0u);
  out.flag(mapping.driver.delays_in_minutes);
  out.flag(mapping.driver.suggest_pollonly);
}

// An error text, or "" when the claim side read well.
std::string unpack_claim_side(PackReader& in, Mapping& mapping) {
  mapping.name = in.text();
  mapping.version = in.text();
  mapping.claim_order = static_cast<int>(in.signed_number());
  mapping.explore = in.flag();
  mapping.usage_table = in.text();
  mapping.claims.resize(in.count());
  for (Claim& claim : mapping.claims) {
    claim.vendor_id = unpack_id(in);
    claim.product_id = unpack_id(in);
    const std::string_view hook = in.text();
    if (!hook.empty()) {
      claim.hook = find_claim_hook(hook);
      if (claim.hook == nullptr) return fmt::format("unknown claim hook \"{}\"", hook);
    }
    claim.maker = in.text();
    claim.maker_in_product = in.flag();
    unpack_usb(in, claim.usb);
  }
  unpack_usb(in, mapping.usb);
  mapping.possibly_supported = in.text();
  mapping.possibly_supported_vendors.resize(in.count());
  for (auto& [vendor, name] : mapping.possibly_supported_vendors) {
    vendor = unpack_id(in);
    name = in.text();
  }
  mapping.quiet_vendors.resize(in.count());
  for (std::uint16_t& vendor : mapping.quiet_vendors) vendor = unpack_id(in);
  mapping.unsupported.resize(in.count());
  for (Mapping::Refusal& refusal : mapping.unsupported) {
    refusal.vendor_id = unpack_id(in);
    refusal.product_id = unpack_id(in);
    refusal.message = in.text();
  }
  mapping.mfr_format = in.text();
  mapping.model_format = in.text();
  mapping.serial_format = in.text();
  mapping.fix_report_descriptor = in.text();
  if (const std::uint64_t pollfreq = in.unsigned_number(); pollfreq != 0) {
    mapping.driver.pollfreq = static_cast<int>(std::min<std::uint64_t>(pollfreq, 86400));
  }
  mapping.driver.delays_in_minutes = in.flag();
  mapping.driver.suggest_pollonly = in.flag();
  return {};
}

void pack_tables(PackWriter& out, const Mapping& mapping) {
  out.unsigned_number(mapping.model_names.size());
  for (const Mapping::ModelName& model : mapping.model_names) {
    out.text(model.product);
    out.text(model.model);
    out.signed_number(model.type);
    out.text(model.name);
  }
  out.unsigned_number(mapping.lookups.size());
  for (const Lookup& lookup : mapping.lookups) {
    out.text(lookup.name);
    out.text(lookup.converter != nullptr ? lookup.converter->name : std::string_view{});
    out.unsigned_number(lookup.entries.size());
    for (const LookupEntry& entry : lookup.entries) {
      out.signed_number(entry.hid_value);
      out.text(entry.nut_value);
    }
  }
  out.unsigned_number(mapping.entries.size());
  for (const Entry& entry : mapping.entries) {
    out.unsigned_number(static_cast<unsigned>(entry.kind));
    out.text(entry.name);
    out.text(entry.path);
    out.unsigned_number(entry.info_flags);
    out.signed_number(entry.info_length);
    out.text(entry.format);
    out.unsigned_number(entry.hid_flags);
    out.signed_number(entry.lookup);
    out.signed_number(entry.line);
  }
}

std::string unpack_tables(PackReader& in, Mapping& mapping) {
  mapping.model_names.resize(in.count());
  for (Mapping::ModelName& model : mapping.model_names) {
    model.product = in.text();
    model.model = in.text();
    model.type = static_cast<int>(in.signed_number());
    model.name = in.text();
  }
  mapping.lookups.resize(in.count());
  for (Lookup& lookup : mapping.lookups) {
    lookup.name = in.text();
    const std::string_view converter = in.text();
    if (!converter.empty()) {
      lookup.converter = find_converter(converter);
      if (lookup.converter == nullptr) return fmt::format("unknown converter \"{}\"", converter);
    }
    lookup.entries.resize(in.count());
    for (LookupEntry& entry : lookup.entries) {
      entry.hid_value = static_cast<long>(in.signed_number());
      entry.nut_value = in.text();
    }
  }
  mapping.entries.resize(in.count());
  for (Entry& entry : mapping.entries) {
    const std::uint64_t kind = in.unsigned_number();
    if (kind > static_cast<unsigned>(EntryKind::kCommand)) return "unknown row kind";
    entry.kind = static_cast<EntryKind>(kind);
    entry.name = in.text();
    entry.path = in.text();
    entry.info_flags = static_cast<unsigned>(in.unsigned_number());
    entry.info_length = static_cast<int>(in.signed_number());
    entry.format = in.text();
    entry.hid_flags = static_cast<unsigned>(in.unsigned_number());
    entry.lookup = static_cast<int>(in.signed_number());
    entry.line = static_cast<int>(in.signed_number());
    if (entry.lookup < -1 || entry.lookup >= static_cast<int>(mapping.lookups.size())) {
      return fmt::format("row {}: lookup index out of range", entry.name);
    }
  }
  return {};
}

}  // namespace

std::string pack_mapping(const Mapping& mapping, PackedPart part) {
  PackWriter out;
  pack_claim_side(out, mapping);
  if (part == PackedPart::kWhole) pack_tables(out, mapping);
  return out.bytes();
}

Result<Mapping> unpack_mapping(std::string_view bytes, PackedPart part) {
  PackReader in(bytes);
  Mapping mapping;
  std::string problem = unpack_claim_side(in, mapping);
  if (problem.empty() && part == PackedPart::kWhole) {
    problem = unpack_tables(in, mapping);
    if (problem.empty() && in.ok() && !in.at_end()) problem = "bytes left over";
  }
  if (problem.empty() && !in.ok()) problem = "truncated or corrupt";
  if (!problem.empty()) return Error{fmt::format("packed mapping \"{}\": {}", mapping.name, problem)};
  return mapping;
}

}  // namespace walnut::mapping
