// The capture reader and writer (see capture.h and docs/capture-format.md). Line rules follow
// the corpus README and NUT's oracle (fakeusb.c), so the same files feed both.
#include "drivers/usbhid/hid/capture.h"

#include <charconv>
#include <set>

#include <fmt/format.h>

namespace walnut::hid {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool is_section_line(std::string_view line) {
  return line.size() > 1 && line.back() == ':' && line.find(' ') == std::string_view::npos &&
         line.find('\t') == std::string_view::npos;
}

Status parse_hex_bytes(std::string_view text, std::vector<std::uint8_t>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t end = text.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(i, end - i);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), value, 16);
    if (word.size() != 2 || ec != std::errc() || ptr != word.data() + word.size()) {
      return Error{fmt::format("bad hex byte \"{}\"", word)};
    }
    out.push_back(static_cast<std::uint8_t>(value));
    i = end;
  }
  return Ok{};
}

Result<unsigned> parse_number(std::string_view text, int base, unsigned max) {
  if (base == 0) {
    base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      text.remove_prefix(2);
      base = 16;
    }
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > max) {
    return Error{fmt::format("bad number \"{}\"", text)};
  }
  return value;
}

// Splits "key: value" at the first ':'; false if there is none.
bool split_pair(std::string_view line, std::string_view& key, std::string_view& value) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  key = trim(line.substr(0, colon));
  value = trim(line.substr(colon + 1));
  return true;
}

class Reader {
 public:
  Result<Capture> run(std::string_view text) {
    std::size_t number = 0;
    while (!text.empty()) {
      const auto newline = text.find('\n');
      const std::string_view raw = text.substr(0, newline);
      text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
      ++number;
      const std::string_view line = trim(raw);
      if (line.empty()) continue;
      if (line.front() == '#') {
        if (section_ == "header") capture_.comments.emplace_back(trim(line.substr(1)));
        continue;
      }
      if (auto status = one_line(line); !status) {
        return Error{fmt::format("line {}: {}", number, status.error())};
      }
    }
    return finish();
  }

 private:
  Status one_line(std::string_view line) {
    if (is_section_line(line)) {
      section_ = std::string(line.substr(0, line.size() - 1));
      return Ok{};
    }
    std::string_view key, value;
    if (section_ == "header") {
      if (!split_pair(line, key, value)) return Error{"expected \"key: value\""};
      return header_line(key, value);
    }
    if (section_ == "descriptor") return parse_hex_bytes(line, capture_.descriptor);
    if (section_ == "paths") {
      capture_.paths.emplace_back(line);
      return Ok{};
    }
    if (section_ == "interrupts") {
      std::vector<std::uint8_t> bytes;
      if (auto status = parse_hex_bytes(line, bytes); !status) return status;
      capture_.interrupts.push_back(std::move(bytes));
      return Ok{};
    }
    if (section_ == "reports" || section_ == "strings" || section_ == "upsc") {
      if (!split_pair(line, key, value)) return Error{"expected \"key: value\""};
      return keyed_line(key, value);
    }
    return Ok{};  // unknown sections are skipped, so newer captures still read
  }

  Status keyed_line(std::string_view key, std::string_view value) {
    if (section_ == "upsc") {
      capture_.upsc.emplace_back(key, value);
      return Ok{};
    }
    if (section_ == "strings") {
      auto index = parse_number(key, 10, 255);
      if (!index) return Error{index.error()};
      capture_.strings[static_cast<int>(*index)] = std::string(value);
      return Ok{};
    }
    auto id = parse_number(key, 0, 255);
    if (!id) return Error{id.error()};
    std::vector<std::uint8_t> bytes;
    if (auto status = parse_hex_bytes(value, bytes); !status) return status;
    if (bytes.empty()) return Error{fmt::format("report {} has no bytes", key)};
    capture_.reports[static_cast<std::uint8_t>(*id)] = std::move(bytes);
    return Ok{};
  }

  Status header_line(std::string_view key, std::string_view value) {
    capture_.header.emplace_back(key, value);
    if (key == "vendorid" || key == "productid" || key == "bcddevice") {
      auto number = parse_number(value, 16, 0xFFFF);
      if (!number) return Error{fmt::format("{}: {}", key, number.error())};
      const auto id = static_cast<std::uint16_t>(*number);
      if (key == "vendorid") capture_.vendor_id = id;
      else if (key == "productid") capture_.product_id = id;
      else capture_.bcd_device = id;
    } else if (key == "manufacturer") {
      capture_.manufacturer = std::string(value);
    } else if (key == "product") {
      capture_.product = std::string(value);
    } else if (key == "serial") {
      capture_.serial = std::string(value);
    } else if (key == "descriptor-length") {
      auto number = parse_number(value, 10, 0xFFFF);
      if (!number) return Error{fmt::format("{}: {}", key, number.error())};
      declared_length_ = *number;
    }
    return Ok{};
  }

  Result<Capture> finish() {
    if (capture_.descriptor.empty()) return Error{"no descriptor: section"};
    if (declared_length_ && *declared_length_ != capture_.descriptor.size()) {
      return Error{fmt::format("descriptor-length is {} but the descriptor has {} bytes",
                               *declared_length_, capture_.descriptor.size())};
    }
    return std::move(capture_);
  }

  Capture capture_;
  std::string section_ = "header";
  std::optional<std::size_t> declared_length_;
};

void append_hex(std::string& out, const std::vector<std::uint8_t>& bytes, std::size_t per_line) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char separator = i == 0 ? '\0' : (per_line && i % per_line == 0 ? '\n' : ' ');
    if (separator) out += separator;
    fmt::format_to(std::back_inserter(out), "{:02x}", bytes[i]);
  }
  out += '\n';
}

// Keys write_capture() writes from the structured fields rather than from `header`.
const std::set<std::string_view> kDerivedKeys = {"vendorid", "productid", "bcddevice",
                                                 "manufacturer", "product", "serial",
                                                 "descriptor-length"};

// A header value that would read back differently is left out (see docs/capture-format.md).
void append_header(std::string& out, std::string_view key, std::string_view value) {
  if (trim(value).empty() || value != trim(value)) return;
  fmt::format_to(std::back_inserter(out), "{}: {}\n", key, value);
}

}  // namespace

std::optional<std::string> Capture::header_value(std::string_view key) const {
  for (const auto& [k, v] : header) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<std::string> Capture::string_descriptor(int index) const {
  if (index == 1) return manufacturer;
  if (index == 2) return product;
  if (index == 3) return serial;
  if (auto it = strings.find(index); it != strings.end()) return it->second;
  return std::nullopt;
}

Result<Capture> read_capture(std::string_view text) { return Reader().run(text); }

std::string write_capture(const Capture& capture) {
  std::string out;
  for (const std::string& comment : capture.comments) out += fmt::format("# {}\n", comment);
  for (const auto& [key, value] : capture.header) {
    if (!kDerivedKeys.contains(key)) append_header(out, key, value);
  }
  out += fmt::format("vendorid: {:04x}\nproductid: {:04x}\n", capture.vendor_id, capture.product_id);
  if (capture.bcd_device) out += fmt::format("bcddevice: {:04x}\n", *capture.bcd_device);
  if (capture.manufacturer) append_header(out, "manufacturer", *capture.manufacturer);
  if (capture.product) append_header(out, "product", *capture.product);
  if (capture.serial) append_header(out, "serial", *capture.serial);
  out += fmt::format("descriptor-length: {}\ndescriptor:\n", capture.descriptor.size());
  append_hex(out, capture.descriptor, 25);
  std::string strings;
  for (const auto& [index, text] : capture.strings) append_header(strings, std::to_string(index), text);
  if (!strings.empty()) out += "strings:\n" + strings;
  if (!capture.reports.empty()) {
    out += "reports:\n";
    for (const auto& [id, bytes] : capture.reports) {
      out += fmt::format("0x{:02x}: ", id);
      append_hex(out, bytes, 0);
    }
  }
  if (!capture.interrupts.empty()) {
    out += "interrupts:\n";
    for (const auto& bytes : capture.interrupts) append_hex(out, bytes, 0);
  }
  if (!capture.paths.empty()) {
    out += "paths:\n";
    for (const std::string& line : capture.paths) out += line + '\n';
  }
  std::string upsc;
  for (const auto& [name, value] : capture.upsc) append_header(upsc, name, value);
  if (!upsc.empty()) out += "upsc:\n" + upsc;
  return out;
}

std::optional<std::vector<std::uint8_t>> captured_report(const Capture& capture,
                                                         const ReportDescriptor& descriptor,
                                                         ReportType type, std::uint8_t report_id) {
  if (auto it = capture.reports.find(report_id); it != capture.reports.end()) return it->second;
  const std::size_t size = descriptor.report_size(type, report_id);
  if (size == 0 && report_id != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes(1 + size, 0);
  bytes[0] = report_id;
  return bytes;
}

}  // namespace walnut::hid
