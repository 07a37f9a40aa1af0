// walnut.yaml reader: YAML nodes turned into the same directives and settings the NUT file
// readers apply, so both formats share one meaning and one set of checks.
#include "common/config/yaml_config.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/ups_state.h"

namespace walnut::config {
namespace {

using Words = std::vector<std::string>;

// A located failure inside the YAML walk; turned into an Error at the boundary.
struct YamlError {
  int line;
  std::string message;
};

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

std::string scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) throw YamlError{line_of(node), fmt::format("{} must be a scalar", what)};
  return node.Scalar();
}

void expect_map(const YAML::Node& node, std::string_view what) {
  if (!node.IsMap()) throw YamlError{line_of(node), fmt::format("{} must be a mapping", what)};
}

// A scalar or a sequence of scalars, as a list of words.
Words scalars(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) {
    throw YamlError{line_of(node), fmt::format("{} must be a scalar or a list", what)};
  }
  Words out;
  for (const auto& item : node) out.push_back(scalar(item, what));
  return out;
}

void check(Status status, int line) {
  if (!status.ok()) throw YamlError{line, status.error()};
}

// listen / metrics_listen entries: "addr", or {address: addr, port: n}.
Words address_words(const YAML::Node& item, const std::string& directive) {
  if (item.IsScalar()) return {directive, item.Scalar()};
  expect_map(item, directive);
  Words words{directive};
  for (const auto& entry : item) {
    const std::string key = scalar(entry.first, "key");
    if (key != "address" && key != "port") {
      throw YamlError{line_of(entry.first), fmt::format("unknown key \"{}\" in {}", key, directive)};
    }
  }
  if (!item["address"]) throw YamlError{line_of(item), directive + " entry needs an address"};
  words.push_back(scalar(item["address"], "address"));
  if (item["port"]) words.push_back(scalar(item["port"], "port"));
  return words;
}

void read_upsd(const YAML::Node& node, UpsdConf& conf, std::string_view filename) {
  expect_map(node, "upsd");
  for (const auto& entry : node) {
    const std::string key = scalar(entry.first, "key");
    const std::string directive = upper(key);
    const YAML::Node& value = entry.second;
    const int line = line_of(entry.first);
    if (directive == "LISTEN" || directive == "METRICS_LISTEN") {
      if (!value.IsSequence()) throw YamlError{line_of(value), key + " must be a list"};
      for (const auto& item : value) {
        check(apply_upsd_directive(conf, address_words(item, directive), line_of(item), filename),
              line_of(item));
      }
    } else if (directive == "CERTIDENT") {
      expect_map(value, key);
      if (!value["name"] || !value["password"]) {
        throw YamlError{line_of(value), "certident needs name and password"};
      }
      Words words{directive, scalar(value["name"], "certident name"),
                  scalar(value["password"], "certident password")};
      check(apply_upsd_directive(conf, words, line, filename), line);
    } else {
      Words words{directive, scalar(value, key)};
      check(apply_upsd_directive(conf, words, line, filename), line_of(value));
    }
  }
}

// As in upsd.users, "actions: SET FSD" names two actions; a password is taken whole.
Words user_values(const std::string& key, const YAML::Node& node) {
  Words values = scalars(node, key);
  if (!equals_ignoring_case(key, "actions") && !equals_ignoring_case(key, "instcmds")) {
    return values;
  }
  Words split;
  for (const auto& value : values) {
    std::istringstream words(value);
    for (std::string word; words >> word;) split.push_back(word);
  }
  return split;
}

void read_users(const YAML::Node& node, UpsdUsers& users) {
  expect_map(node, "users");
  for (const auto& entry : node) {
    UpsdUser user;
    user.name = scalar(entry.first, "user name");
    user.line = line_of(entry.first);
    if (users.find(user.name)) throw YamlError{user.line, "duplicate user " + user.name};
    expect_map(entry.second, "user " + user.name);
    for (const auto& setting : entry.second) {
      const std::string key = scalar(setting.first, "key");
      for (const auto& value : user_values(key, setting.second)) {
        check(apply_user_setting(user, key, value), line_of(setting.second));
        if (user.password_file && user.password_file_line == 0) {
          user.password_file_line = line_of(setting.second);
        }
      }
    }
    users.users.push_back(std::move(user));
  }
}

// A mapping of ups.conf settings; "flags" holds the bare flags.
void read_ups_settings(const YAML::Node& node, UpsConfSettings& out, std::string_view what) {
  expect_map(node, what);
  for (const auto& entry : node) {
    const std::string key = scalar(entry.first, "key");
    const int line = line_of(entry.first);
    if (key == "flags") {
      for (const auto& flag : scalars(entry.second, "flags")) {
        out.settings.push_back(UpsConfSetting{flag, "", true, line});
      }
    } else {
      out.settings.push_back(UpsConfSetting{key, scalar(entry.second, key), false, line});
    }
  }
}

void read_ups(const YAML::Node& node, UpsConf& conf) {
  expect_map(node, "ups");
  for (const auto& entry : node) {
    UpsConfSection section;
    section.name = scalar(entry.first, "UPS name");
    section.line = line_of(entry.first);
    if (section.name.empty() || section.name == "default") {
      throw YamlError{section.line, "UPS name must not be empty or \"default\""};
    }
    if (conf.find(section.name)) {
      throw YamlError{section.line, fmt::format("UPS name [{}] is already in use", section.name)};
    }
    read_ups_settings(entry.second, section, "ups " + section.name);
    for (const char* required : {"driver", "port"}) {
      if (!section.get(required)) {
        throw YamlError{section.line,
                        fmt::format("UPS [{}] has no \"{}\" setting", section.name, required)};
      }
    }
    conf.ups.push_back(std::move(section));
  }
}

void read_root(const YAML::Node& root, WalnutConfig& config, std::string_view filename) {
  if (!root || root.IsNull()) return;
  expect_map(root, "the document");
  for (const auto& entry : root) {
    const std::string key = scalar(entry.first, "key");
    if (key == "upsd") {
      read_upsd(entry.second, config.upsd, filename);
    } else if (key == "users") {
      read_users(entry.second, config.users);
    } else if (key == "drivers") {
      read_ups_settings(entry.second, config.ups.global, "drivers");
    } else if (key == "ups") {
      read_ups(entry.second, config.ups);
    } else {
      throw YamlError{line_of(entry.first),
                      fmt::format("unknown key \"{}\" (upsd, users, drivers, ups)", key)};
    }
  }
}

}  // namespace

Result<WalnutConfig> parse_yaml_config(std::string_view text, std::string_view filename) {
  WalnutConfig config;
  try {
    read_root(YAML::Load(std::string(text)), config, filename);
  } catch (const YamlError& e) {
    return Error{where(filename, e.line, e.message)};
  } catch (const YAML::Exception& e) {
    return Error{where(filename, e.mark.line + 1, e.msg)};
  } catch (const std::exception& e) {
    return Error{fmt::format("{}: {}", filename, e.what())};
  }
  return config;
}

}  // namespace walnut::config
