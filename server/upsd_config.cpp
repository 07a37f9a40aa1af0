// upsd.conf and ups.conf readers. Directive names in upsd.conf are case-sensitive, as stock.
#include "server/upsd_config.h"

#include <charconv>

#include <fmt/format.h>

#include "server/config_lines.h"
#include "server/variable_store.h"

namespace walnut::server {
namespace {

using Words = std::vector<std::string>;

Result<long> parse_number(const std::string& word, long min) {
  long value = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size() || value < min) {
    return Error{fmt::format("invalid number \"{}\"", word)};
  }
  return value;
}

Result<bool> parse_boolean(const std::string& word) {
  if (equals_ignoring_case(word, "true") || equals_ignoring_case(word, "yes") || word == "1") {
    return true;
  }
  if (equals_ignoring_case(word, "false") || equals_ignoring_case(word, "no") || word == "0") {
    return false;
  }
  return Error{fmt::format("invalid boolean \"{}\"", word)};
}

Status apply_number(const Words& words, long min, long max_value, auto&& store) {
  auto value = parse_number(words[1], min);
  if (!value) return Error{value.error()};
  if (*value > max_value) return Error{fmt::format("{} {} is too large", words[0], *value)};
  store(*value);
  return Ok{};
}

Status upsd_directive(const Words& words, UpsdSettings& settings, std::size_t line,
                      std::string_view file_name) {
  const std::string& key = words[0];
  if (words.size() < 2) return Error{fmt::format("\"{}\" needs a value", key)};
  if (key == "MAXAGE") {
    return apply_number(words, 1, 1 << 20, [&](long v) { settings.maxage = static_cast<int>(v); });
  }
  if (key == "TRACKINGDELAY") {
    return apply_number(words, 0, 1 << 30,
                        [&](long v) { settings.tracking_delay = static_cast<int>(v); });
  }
  if (key == "MAXCONN") {
    return apply_number(words, 1, 1 << 24, [&](long v) { settings.maxconn = v; });
  }
  if (key == "ALLOW_NO_DEVICE") {
    auto value = parse_boolean(words[1]);
    if (!value) return Error{value.error()};
    settings.allow_no_device = *value;
    return Ok{};
  }
  if (key == "STATEPATH") return settings.statepath = words[1], Status(Ok{});
  if (key == "DATAPATH") return settings.datapath = words[1], Status(Ok{});
  if (key == "CERTFILE") return settings.certfile = words[1], Status(Ok{});
  if (key == "LISTEN") {
    ListenAddress address{words[1]};
    if (words.size() >= 3) address.port = words[2];
    settings.listen.push_back(std::move(address));
    return Ok{};
  }
  if (key == "CERTPATH" || key == "CERTREQUEST" || key == "DISABLE_WEAK_SSL" ||
      key == "CERTIDENT" || key == "ACCEPT" || key == "REJECT" || key == "ACL" ||
      key == "ALLOW_NOT_ALL_LISTENERS") {
    settings.warnings.push_back(
        fmt::format("{}:{}: {} is not supported by walnut and is ignored", file_name, line, key));
    return Ok{};
  }
  return Error{fmt::format("unknown directive \"{}\"", key)};
}

}  // namespace

Result<UpsdSettings> parse_upsd_conf(std::string_view text, std::string_view file_name) {
  UpsdSettings settings;
  Status status = for_each_config_line(text, file_name, [&](std::size_t line, const Words& words) {
    return upsd_directive(words, settings, line, file_name);
  });
  if (!status) return Error{status.error()};
  return settings;
}

Result<UpsConf> parse_ups_conf(std::string_view text, std::string_view file_name) {
  UpsConf conf;
  std::vector<std::pair<UpsSection, std::size_t>> sections;
  Status status = for_each_config_line(text, file_name, [&](std::size_t line, const Words& words) {
    const std::string& first = words[0];
    if (first.size() >= 2 && first.front() == '[' && first.back() == ']') {
      const std::string name = first.substr(1, first.size() - 2);
      if (name.empty()) return Status(Error{"empty section name"});
      for (const auto& [section, at] : sections) {
        if (equals_ignoring_case(section.name, name)) {
          return Status(Error{fmt::format("UPS name [{}] is already in use (line {})", name, at)});
        }
      }
      sections.emplace_back(UpsSection{name, {}, {}, {}}, line);
      return Status(Ok{});
    }
    if (words.size() < 3 || words[1] != "=") return Status(Ok{});  // flags: the driver's business
    if (sections.empty()) {
      if (equals_ignoring_case(first, "statepath")) conf.statepath = words[2];
      return Status(Ok{});
    }
    UpsSection& section = sections.back().first;
    if (first == "driver") section.driver = words[2];
    if (first == "port") section.port = words[2];
    if (first == "desc") section.description = words[2];
    return Status(Ok{});
  });
  if (!status) return Error{status.error()};
  for (auto& [section, line] : sections) {
    if (section.driver.empty() || section.port.empty()) {
      conf.warnings.push_back(fmt::format(
          "{}:{}: ignoring incomplete configuration for UPS [{}] (needs driver and port)",
          file_name, line, section.name));
      continue;
    }
    conf.upses.push_back(std::move(section));
  }
  return conf;
}

}  // namespace walnut::server
