// Reads a vendor mapping from YAML (format: docs/mappings.md) into a Mapping, checking every
// name, flag, format and lookup so that a bad file fails at load time with its line number.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <map>
#include <set>

#include "common/log.h"
#include "drivers/usbhid/mapping/claim_hook.h"
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/embedded_yaml.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::mapping {
namespace {

// yaml-cpp reports problems by throwing; this loader turns every one into an Error at the
// boundary, so nothing escapes load_mapping().
struct LoadError {
  int line;
  std::string message;
};

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

[[noreturn]] void fail(const YAML::Node& node, std::string message) {
  throw LoadError{line_of(node), std::move(message)};
}

std::string scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) fail(node, fmt::format("{} must be a single value", what));
  return node.as<std::string>();
}

long integer(const YAML::Node& node, std::string_view what) {
  std::string text = scalar(node, what);
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) fail(node, fmt::format("{} must be an integer, not \"{}\"", what, text));
  return value;
}

void read_pairs(const std::string& name, const YAML::Node& node, Lookup& lookup) {
  if (!node.IsSequence() || node.size() == 0) {
    fail(node, fmt::format("lookup {}: expected a list of [value, text] pairs or {{converter: name}}", name));
  }
  for (const auto& pair : node) {
    if (!pair.IsSequence() || pair.size() != 2) fail(pair, fmt::format("lookup {}: expected [value, text]", name));
    lookup.entries.push_back({integer(pair[0], "a lookup value"), scalar(pair[1], "a lookup text")});
  }
}

Lookup read_lookup(const std::string& name, const YAML::Node& node) {
  Lookup lookup;
  lookup.name = name;
  if (node.IsMap()) {
    for (const auto& item : node) {
      std::string key = scalar(item.first, "a key");
      if (key == "values") {
        // NUT's info_lkp_t rows that carry a fun: the texts setvar and enums use.
        read_pairs(name, item.second, lookup);
        continue;
      }
      if (key != "converter") fail(item.first, fmt::format("lookup {}: unknown key \"{}\"", name, key));
      const std::string converter = scalar(item.second, "converter");
      lookup.converter = find_converter(converter);
      if (lookup.converter == nullptr) {
        fail(item.second, fmt::format("lookup {}: unknown converter \"{}\"", name, converter));
      }
    }
    if (lookup.converter == nullptr) fail(node, fmt::format("lookup {}: no converter", name));
    return lookup;
  }
  read_pairs(name, node, lookup);
  return lookup;
}

std::map<std::string, Lookup> read_lookups(const YAML::Node& node) {
  std::map<std::string, Lookup> lookups;
  if (!node) return lookups;
  if (!node.IsMap()) fail(node, "lookups must be a map of name: lookup");
  for (const auto& item : node) {
    std::string name = scalar(item.first, "a lookup name");
    if (lookups.count(name) != 0) fail(item.first, fmt::format("lookup {} defined twice", name));
    lookups.emplace(name, read_lookup(name, item.second));
  }
  return lookups;
}

// NUT's shared lookups (common.yaml), parsed once.
const std::map<std::string, Lookup>& shared_lookups() {
  static const std::map<std::string, Lookup> lookups = [] {
    for (std::size_t i = 0; i < embedded::kFileCount; ++i) {
      if (std::string_view(embedded::kFiles[i].name) == "common") {
        return read_lookups(YAML::Load(embedded::kFiles[i].text)["lookups"]);
      }
    }
    return std::map<std::string, Lookup>{};
  }();
  return lookups;
}

unsigned read_info_flags(const YAML::Node& node) {
  unsigned flags = 0;
  if (!node) return flags;
  if (!node.IsSequence()) fail(node, "flags must be a list (rw, string, number)");
  for (const auto& item : node) {
    std::string word = scalar(item, "a flag");
    if (word == "rw") flags |= kFlagRw;
    else if (word == "string") flags |= kFlagString;
    else if (word == "number") flags |= kFlagNumber;
    else fail(item, fmt::format("unknown flag \"{}\" (rw, string, number)", word));
  }
  return flags;
}

unsigned read_hid_flags(const YAML::Node& node) {
  static const std::map<std::string, unsigned> names = {
      {"static", kHidStatic},         {"semi_static", kHidSemiStatic}, {"absent", kHidAbsent},
      {"quick_poll", kHidQuickPoll},  {"stale", kHidStale},            {"enum", kHidEnum},
      {"param_required", kHidParamRequired}};
  unsigned flags = 0;
  if (!node) return flags;
  if (!node.IsSequence()) fail(node, "hid must be a list of flags");
  for (const auto& item : node) {
    std::string word = scalar(item, "a hid flag");
    auto found = names.find(word);
    if (found == names.end()) {
      fail(item, fmt::format("unknown hid flag \"{}\" (static, semi_static, absent, quick_poll, stale, enum, param_required)", word));
    }
    flags |= found->second;
  }
  return flags;
}

class Reader {
 public:
  explicit Reader(Mapping& mapping, std::map<std::string, Lookup> own)
      : mapping_(mapping), own_(std::move(own)) {}

  int resolve_lookup(const YAML::Node& node) {
    std::string name = scalar(node, "lookup");
    auto known = index_.find(name);
    if (known != index_.end()) return known->second;
    const Lookup* lookup = nullptr;
    if (auto own = own_.find(name); own != own_.end()) lookup = &own->second;
    else if (auto shared = shared_lookups().find(name); shared != shared_lookups().end()) lookup = &shared->second;
    if (lookup == nullptr) fail(node, fmt::format("unknown lookup \"{}\"", name));
    mapping_.lookups.push_back(*lookup);
    int index = static_cast<int>(mapping_.lookups.size() - 1);
    index_.emplace(name, index);
    return index;
  }

  Entry read_entry(const YAML::Node& node) {
    if (!node.IsMap()) fail(node, "a table row must be a map");
    static const std::set<std::string> keys = {"var", "status", "alarm", "cmd", "path", "format", "default",
                                               "value", "flags", "length", "hid", "lookup"};
    for (const auto& item : node) {
      std::string key = scalar(item.first, "a key");
      if (keys.count(key) == 0) fail(item.first, fmt::format("unknown key \"{}\" in a table row", key));
    }
    Entry entry;
    entry.line = line_of(node);
    int kinds = 0;
    if (node["var"]) ++kinds, entry.kind = EntryKind::kVariable, entry.name = scalar(node["var"], "var");
    if (node["status"]) ++kinds, entry.kind = EntryKind::kStatus, entry.name = "BOOL";
    if (node["alarm"]) ++kinds, entry.kind = EntryKind::kAlarm, entry.name = "ups.alarm";
    if (node["cmd"]) ++kinds, entry.kind = EntryKind::kCommand, entry.name = scalar(node["cmd"], "cmd");
    if (kinds != 1) fail(node, "a table row needs exactly one of var, status, alarm, cmd");
    if (!node["path"]) fail(node, "a table row needs a path");
    entry.path = scalar(node["path"], "path");
    entry.info_flags = read_info_flags(node["flags"]);
    entry.hid_flags = read_hid_flags(node["hid"]);
    if (node["length"]) entry.info_length = static_cast<int>(integer(node["length"], "length"));
    switch (entry.kind) {
      case EntryKind::kStatus:
      case EntryKind::kAlarm:
        entry.lookup = resolve_lookup(node[entry.kind == EntryKind::kStatus ? "status" : "alarm"]);
        if (node["lookup"] || node["format"]) fail(node, "status and alarm rows take only the lookup they name");
        break;
      case EntryKind::kCommand:
        entry.hid_flags |= kHidCommand;
        if (!node["value"]) fail(node, "a cmd row needs the value it writes (value: \"1\")");
        entry.format = scalar(node["value"], "value");
        if (node["lookup"]) entry.lookup = resolve_lookup(node["lookup"]);
        break;
      case EntryKind::kVariable:
        read_variable(node, entry);
        break;
    }
    return entry;
  }

 private:
  void read_variable(const YAML::Node& node, Entry& entry) {
    if (entry.hid_flags & kHidAbsent) {
      if (!node["default"]) fail(node, "an absent (driver-side) variable needs a default");
      entry.format = scalar(node["default"], "default");
      return;
    }
    if (node["lookup"]) {
      entry.lookup = resolve_lookup(node["lookup"]);
      entry.format = "%s";
      if (node["format"]) fail(node, "a row with a lookup takes no format");
      return;
    }
    if (!node["format"]) fail(node, "a variable row needs a format (\"%.0f\") or a lookup");
    entry.format = scalar(node["format"], "format");
    if (!is_numeric_format(entry.format)) {
      fail(node["format"], fmt::format("format \"{}\" must hold exactly one of %f %e %g (with flags, width, precision)", entry.format));
    }
    if (entry.hid_flags & kHidEnum) fail(node, "enum needs a lookup");
  }

  Mapping& mapping_;
  std::map<std::string, Lookup> own_;
  std::map<std::string, int> index_;
};

void read_usb_numbers(const YAML::Node& node, UsbHidNumbers& numbers) {
  if (!node) return;
  if (!node.IsMap()) fail(node, "usb must be a map of rep_index, desc_index, ep_in, ep_out");
  for (const auto& item : node) {
    const std::string key = scalar(item.first, "a key");
    const long value = integer(item.second, key);
    const long limit = key == "ep_in" || key == "ep_out" ? 0x0f : 0xff;  // endpoint numbers are 4 bits
    if (value < 0 || value > limit) fail(item.second, fmt::format("{} must be 0..{}", key, limit));
    const auto number = static_cast<std::uint8_t>(value);
    if (key == "rep_index") numbers.rep_index = number;
    else if (key == "desc_index") numbers.desc_index = number;
    else if (key == "ep_in") numbers.ep_in = number;
    else if (key == "ep_out") numbers.ep_out = number;
    else fail(item.first, fmt::format("unknown usb key \"{}\"", key));
  }
}

void read_claims(const YAML::Node& node, Mapping& mapping) {
  if (!node) return;
  if (!node.IsSequence()) fail(node, "claims must be a list of {vendor, product[, hook, maker, maker_in_product, usb]}");
  for (const auto& item : node) {
    if (!item.IsMap() || !item["vendor"] || !item["product"]) fail(item, "a claim needs vendor and product");
    Claim claim;
    long vendor = integer(item["vendor"], "vendor");
    long product = integer(item["product"], "product");
    if (vendor < 0 || vendor > 0xffff || product < 0 || product > 0xffff) fail(item, "USB ids are 16-bit");
    claim.vendor_id = static_cast<std::uint16_t>(vendor);
    claim.product_id = static_cast<std::uint16_t>(product);
    if (item["maker"]) claim.maker = scalar(item["maker"], "maker");
    if (item["maker_in_product"]) {
      const std::string in_product = scalar(item["maker_in_product"], "maker_in_product");
      if (in_product != "true" && in_product != "false") fail(item["maker_in_product"], "maker_in_product: true or false");
      claim.maker_in_product = in_product == "true";
    }
    if (item["hook"]) {
      const std::string hook = scalar(item["hook"], "hook");
      claim.hook = find_claim_hook(hook);
      if (claim.hook == nullptr) fail(item["hook"], fmt::format("unknown hook \"{}\"", hook));
    }
    read_usb_numbers(item["usb"], claim.usb);
    mapping.claims.push_back(claim);
  }
}

std::uint16_t usb_id(const YAML::Node& node, std::string_view what) {
  long value = integer(node, what);
  if (value < 0 || value > 0xffff) fail(node, "USB ids are 16-bit");
  return static_cast<std::uint16_t>(value);
}

void read_refusals(const YAML::Node& root, Mapping& mapping) {
  if (const YAML::Node quiet = root["quiet_vendors"]) {
    if (!quiet.IsSequence()) fail(quiet, "quiet_vendors must be a list of vendor ids");
    for (const auto& item : quiet) mapping.quiet_vendors.push_back(usb_id(item, "a vendor id"));
  }
  if (const YAML::Node unsupported = root["unsupported"]) {
    if (!unsupported.IsSequence()) fail(unsupported, "unsupported must be a list of {vendor, product, message}");
    for (const auto& item : unsupported) {
      if (!item.IsMap() || !item["vendor"] || !item["product"]) {
        fail(item, "an unsupported entry needs vendor and product (and a message unless silent)");
      }
      mapping.unsupported.push_back({usb_id(item["vendor"], "vendor"), usb_id(item["product"], "product"),
                                     item["message"] ? scalar(item["message"], "message") : ""});
    }
  }
}

void read_identity(const YAML::Node& node, Mapping& mapping) {
  if (!node) return;
  if (!node.IsMap()) fail(node, "identity must be a map (mfr, model, serial)");
  for (const auto& item : node) {
    std::string key = scalar(item.first, "a key");
    std::string value = scalar(item.second, key);
    if (key == "mfr") {
      if (value != "vendor" && value.rfind("vendor_or:", 0) != 0 && value.rfind("vendor_trim_or:", 0) != 0) {
        fail(item.second, "mfr: vendor, vendor_or:<text> or vendor_trim_or:<text>");
      }
      mapping.mfr_format = value;
    } else if (key == "model") {
      if (value != "product" && value != "apc_product" && value != "mge_product" && value != "delta_product" &&
          value != "product_or_unknown") {
        fail(item.second, "model: product, product_or_unknown, apc_product, mge_product or delta_product");
      }
      mapping.model_format = value;
    } else if (key == "serial") {
      if (value != "serial" && value.rfind("serial_or_item:", 0) != 0) {
        fail(item.second, "serial: serial or serial_or_item:<path>");
      }
      mapping.serial_format = value;
    } else {
      fail(item.first, fmt::format("unknown identity key \"{}\"", key));
    }
  }
}

// model_names: [[iProduct, iModel, models_type_t name, ups.model or null], ...].
void read_model_names(const YAML::Node& node, Mapping& mapping) {
  if (!node) return;
  if (!node.IsSequence()) fail(node, "model_names must be a list of [iProduct, iModel, type, name]");
  for (const auto& item : node) {
    if (!item.IsSequence() || item.size() != 4) fail(item, "a model name is [iProduct, iModel, type, name or null]");
    Mapping::ModelName model{scalar(item[0], "iProduct"), scalar(item[1], "iModel"), 0, ""};
    const std::string type = scalar(item[2], "a model type");
    const std::optional<int> value = mge_model_type(type);
    if (!value) fail(item[2], fmt::format("unknown model type \"{}\"", type));
    model.type = *value;
    if (!item[3].IsNull()) model.name = scalar(item[3], "a model name");
    mapping.model_names.push_back(std::move(model));
  }
}

// driver: {pollfreq: N, delays_in_minutes: true, suggest_pollonly: true}
void read_driver_defaults(const YAML::Node& node, Mapping::DriverDefaults& defaults) {
  if (!node) return;
  if (!node.IsMap()) fail(node, "driver must be a map (pollfreq, delays_in_minutes, suggest_pollonly)");
  auto flag = [](const YAML::Node& value, std::string_view what) {
    const std::string text = scalar(value, what);
    if (text != "true" && text != "false") fail(value, fmt::format("{}: true or false", what));
    return text == "true";
  };
  for (const auto& item : node) {
    const std::string key = scalar(item.first, "a key");
    if (key == "pollfreq") {
      const long seconds = integer(item.second, "pollfreq");
      if (seconds < 1 || seconds > 86400) fail(item.second, "pollfreq: 1 to 86400 seconds");
      defaults.pollfreq = static_cast<int>(seconds);
    } else if (key == "delays_in_minutes") {
      defaults.delays_in_minutes = flag(item.second, key);
    } else if (key == "suggest_pollonly") {
      defaults.suggest_pollonly = flag(item.second, key);
    } else {
      fail(item.first, fmt::format("driver: unknown key \"{}\" (pollfreq, delays_in_minutes, suggest_pollonly)", key));
    }
  }
}

Mapping read_mapping(const YAML::Node& root) {
  if (!root.IsMap()) fail(root, "a mapping file is a map (subdriver, version, table, ...)");
  static const std::set<std::string> keys = {"subdriver", "version", "claim_order", "explore", "usage_table", "claims", "usb", "possibly_supported",
                                             "quiet_vendors", "unsupported", "identity", "fix_report_descriptor", "lookups", "table",
                                             "model_names", "possibly_supported_vendors", "driver"};
  for (const auto& item : root) {
    std::string key = scalar(item.first, "a key");
    if (keys.count(key) == 0) fail(item.first, fmt::format("unknown key \"{}\"", key));
  }
  Mapping mapping;
  if (!root["subdriver"] || !root["version"]) fail(root, "subdriver and version are required");
  mapping.name = scalar(root["subdriver"], "subdriver");
  mapping.version = scalar(root["version"], "version");
  if (root["claim_order"]) mapping.claim_order = static_cast<int>(integer(root["claim_order"], "claim_order"));
  if (root["explore"]) {
    const std::string explore = scalar(root["explore"], "explore");
    if (explore != "true" && explore != "false") fail(root["explore"], "explore: true or false");
    mapping.explore = explore == "true";
  }
  mapping.usage_table = root["usage_table"] ? scalar(root["usage_table"], "usage_table") : mapping.name;
  if (root["possibly_supported"]) mapping.possibly_supported = scalar(root["possibly_supported"], "possibly_supported");
  if (const YAML::Node vendors = root["possibly_supported_vendors"]) {
    if (!vendors.IsMap()) fail(vendors, "possibly_supported_vendors must map vendor ids to names");
    for (const auto& item : vendors) {
      mapping.possibly_supported_vendors.emplace_back(usb_id(item.first, "a vendor id"), scalar(item.second, "a vendor name"));
    }
  }
  if (root["fix_report_descriptor"]) mapping.fix_report_descriptor = scalar(root["fix_report_descriptor"], "fix_report_descriptor");
  read_claims(root["claims"], mapping);
  read_usb_numbers(root["usb"], mapping.usb);
  read_refusals(root, mapping);
  read_identity(root["identity"], mapping);
  read_model_names(root["model_names"], mapping);
  read_driver_defaults(root["driver"], mapping.driver);
  Reader reader(mapping, read_lookups(root["lookups"]));
  const YAML::Node table = root["table"];
  if (table) {
    if (!table.IsSequence()) fail(table, "table must be a list of rows");
    for (const auto& row : table) mapping.entries.push_back(reader.read_entry(row));
  }
  return mapping;
}

// yaml-cpp parses nested collections recursively: refuse nesting far deeper than any mapping
// needs before it can exhaust the stack (flow brackets, or block indentation and "- " runs).
bool too_deeply_nested(std::string_view text) {
  constexpr int kLimit = 64;
  int flow = 0;
  int line_depth = 0;
  bool line_start = true;
  for (char c : text) {
    if (c == '\n') {
      line_start = true;
      line_depth = 0;
      continue;
    }
    if (c == '[' || c == '{') ++flow;
    if ((c == ']' || c == '}') && flow > 0) --flow;
    if (line_start && (c == ' ' || c == '-' || c == '?' || c == ':')) {
      if (c != ' ') ++line_depth;
    } else if (c != '\t') {
      line_start = false;
    }
    if (flow > kLimit || line_depth > kLimit) return true;
  }
  return false;
}

}  // namespace

Result<Mapping> load_mapping(std::string_view text, std::string_view file_name) {
  if (too_deeply_nested(text)) return Error{fmt::format("{}: nested too deeply", file_name)};
  try {
    return read_mapping(YAML::Load(std::string(text)));
  } catch (const LoadError& error) {
    return Error{fmt::format("{}:{}: {}", file_name, error.line, error.message)};
  } catch (const YAML::Exception& error) {
    return Error{fmt::format("{}:{}: {}", file_name, error.mark.line + 1, error.msg)};
  } catch (const std::exception& error) {
    return Error{fmt::format("{}: {}", file_name, error.what())};
  }
}

std::string_view builtin_mapping_text(std::string_view name) {
  if (name == "common") return {};
  for (std::size_t i = 0; i < embedded::kFileCount; ++i) {
    if (embedded::kFiles[i].name == name) return embedded::kFiles[i].text;
  }
  return {};
}

}  // namespace walnut::mapping
