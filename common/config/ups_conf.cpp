// ups.conf reader (NUT's common/upsconf.c line forms, stricter errors).
#include "common/config/ups_conf.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/ups_state.h"

namespace walnut::config {
namespace {

// Globals read by drivers/main.c, upsdrvctl and upsd (NUT 2.8), matched case-sensitively
// except STATEPATH, which upsd reads in any case.
constexpr std::array kKnownGlobals = {
    "chroot",     "driverpath", "maxstartdelay",      "maxretry",     "retrydelay",
    "nowait",     "pollinterval", "user",             "group",        "synchronous",
    "statepath",  "debug_min",  "LIBUSB_DEBUG",       "sdorder",      "nolock",
};

bool is_section_header(const std::string& word) { return !word.empty() && word.front() == '['; }

Result<std::string> section_name(const ConfLine& line, std::string_view filename) {
  const std::string& word = line.words[0];
  if (word.size() < 2 || word.back() != ']' || line.words.size() != 1) {
    return Error{where(filename, line.line,
                       fmt::format("malformed section header \"{}\" (expected [name])", word))};
  }
  std::string name = word.substr(1, word.size() - 2);
  if (name.empty()) return Error{where(filename, line.line, "empty section name []")};
  if (equals_ignoring_case(name, "default")) {
    return Error{where(filename, line.line, "section name [default] is reserved")};
  }
  return name;
}

// "key = value", "key=value" (the tokenizer splits =) or a bare flag; nullopt otherwise.
std::optional<UpsConfSetting> setting_of(const ConfLine& line) {
  const auto& words = line.words;
  if (words.size() == 1) return UpsConfSetting{words[0], "", true, line.line};
  if (words.size() >= 3 && words[1] == "=") {
    return UpsConfSetting{words[0], words[2], false, line.line};
  }
  return std::nullopt;
}

Status check_section(const UpsConfSection& section, std::string_view filename) {
  for (const char* required : {"driver", "port"}) {
    if (!section.get(required)) {
      return Error{where(filename, section.line,
                         fmt::format("UPS [{}] has no \"{}\" setting", section.name, required))};
    }
  }
  return Ok{};
}

Status add_section(UpsConf& conf, const ConfLine& line, std::string_view filename) {
  auto name = section_name(line, filename);
  if (!name.ok()) return Error{name.error()};
  if (const UpsConfSection* earlier = conf.find(*name)) {
    return Error{where(filename, line.line,
                       fmt::format("UPS name [{}] is already in use (line {})", *name,
                                   earlier->line))};
  }
  UpsConfSection section;
  section.name = *name;
  section.line = line.line;
  conf.ups.push_back(std::move(section));
  return Ok{};
}

void add_setting(UpsConf& conf, const ConfLine& line, std::string_view filename) {
  auto setting = setting_of(line);
  if (!setting) {
    conf.warnings.push_back(where(filename, line.line, "ignored: not \"key = value\" or a flag"));
    return;
  }
  if (line.words.size() > 3) {
    conf.warnings.push_back(where(filename, line.line, "ignored words after the value"));
  }
  if (conf.ups.empty()) {
    if (!is_known_ups_conf_global(setting->key)) {
      conf.warnings.push_back(
          where(filename, line.line, fmt::format("unknown global keyword \"{}\"", setting->key)));
    }
    conf.global.settings.push_back(std::move(*setting));
  } else {
    conf.ups.back().settings.push_back(std::move(*setting));
  }
}

}  // namespace

std::optional<std::string> UpsConfSettings::get(std::string_view key) const {
  for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
    if (!it->is_flag && it->key == key) return it->value;
  }
  return std::nullopt;
}

bool UpsConfSettings::has_flag(std::string_view flag) const {
  return std::any_of(settings.begin(), settings.end(),
                     [&](const UpsConfSetting& s) { return s.is_flag && s.key == flag; });
}

const UpsConfSection* UpsConf::find(std::string_view name) const {
  for (const auto& section : ups) {
    if (equals_ignoring_case(section.name, name)) return &section;
  }
  return nullptr;
}

std::optional<std::string> UpsConf::statepath() const {
  std::optional<std::string> value;
  for (const auto& setting : global.settings) {
    if (!setting.is_flag && equals_ignoring_case(setting.key, "statepath")) value = setting.value;
  }
  return value;
}

bool is_known_ups_conf_global(std::string_view key) {
  if (equals_ignoring_case(key, "statepath")) return true;
  return std::find(kKnownGlobals.begin(), kKnownGlobals.end(), key) != kKnownGlobals.end();
}

Result<UpsConf> parse_ups_conf(std::string_view text, std::string_view filename) {
  auto lines = read_conf_lines(text, filename);
  if (!lines.ok()) return Error{lines.error()};
  UpsConf conf;
  for (const auto& line : *lines) {
    if (is_section_header(line.words[0])) {
      if (!conf.ups.empty()) {
        if (auto status = check_section(conf.ups.back(), filename); !status.ok()) {
          return Error{status.error()};
        }
      }
      if (auto status = add_section(conf, line, filename); !status.ok()) {
        return Error{status.error()};
      }
      continue;
    }
    add_setting(conf, line, filename);
  }
  if (!conf.ups.empty()) {
    if (auto status = check_section(conf.ups.back(), filename); !status.ok()) {
      return Error{status.error()};
    }
  }
  return conf;
}

}  // namespace walnut::config
