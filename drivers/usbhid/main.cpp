// usbhid-ups: walnut's drop-in for NUT's USB HID UPS driver. Argument parsing and wiring only:
// the options, the device, then one of explore / capture / -k / -d / serving the socket.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/config/ups_conf.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/version.h"
#include "drivers/usbhid/device_capture.h"
#include "drivers/usbhid/driver_info.h"
#include "drivers/usbhid/driver_options.h"
#include "drivers/usbhid/driver_process.h"
#include "drivers/usbhid/transport/factory.h"
#include "drivers/usbhid/transport/sim_transport.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {
namespace {

constexpr const char* kProgram = "usbhid-ups";
// The account a driver started as root runs as (NUT's RUN_AS_USER on Debian).
constexpr const char* kDefaultUser = "nut";

int fail(const std::string& message) {
  log::error("{}", message);
  return EXIT_FAILURE;
}

// -a NAME: the global settings drivers take, then the section, in file order.
Result<std::vector<Setting>> settings_from_ups_conf(const std::string& ups_name) {
  const std::string file = paths::join(paths::conf_path(), "ups.conf");
  std::ifstream in(file);
  if (!in) return Error{"Can't open " + file};
  std::ostringstream text;
  text << in.rdbuf();
  auto conf = config::parse_ups_conf(text.str(), file);
  if (!conf) return Error{conf.error()};
  // NUT's precedence: the environment's NUT_STATEPATH wins over ups.conf's global STATEPATH.
  if (auto statepath = conf->statepath(); statepath && std::getenv("NUT_STATEPATH") == nullptr) {
    ::setenv("NUT_STATEPATH", statepath->c_str(), 1);
  }
  std::vector<Setting> settings;
  for (const auto& global : conf->global.settings) {
    if (global.key == "pollinterval" || global.key == "user" || global.key == "group" ||
        global.key == "synchronous") {
      settings.push_back({global.key, global.value});
    }
  }
  for (const auto& section : conf->ups) {
    if (section.name != ups_name) continue;  // drivers match their section case-sensitively
    for (const auto& setting : section.settings) {
      if (setting.is_flag) {
        settings.push_back({setting.key, std::nullopt});
      } else {
        settings.push_back({setting.key, setting.value});
      }
    }
    return settings;
  }
  return Error{"Error: Section " + ups_name + " not found in ups.conf"};
}

Status drop_privileges(const std::string& user) {
  if (::geteuid() != 0) return Ok{};
  const passwd* entry = ::getpwnam(user.c_str());
  if (entry == nullptr) return Error{"user " + user + " not found"};
  if (::initgroups(entry->pw_name, entry->pw_gid) != 0 || ::setgid(entry->pw_gid) != 0 ||
      ::setuid(entry->pw_uid) != 0) {
    return Error{"can't switch to user " + user};
  }
  return Ok{};
}

void go_to_background() {
  if (::fork() != 0) std::_Exit(EXIT_SUCCESS);
  ::setsid();
  if (::fork() != 0) std::_Exit(EXIT_SUCCESS);
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
  }
  log::use_syslog(kProgram);
}

// NUT's upsdrv_shutdown: the first of these commands the UPS accepts powers the load off.
int kill_power(UpsDevice& device, UpsState& state) {
  for (const char* command : {"shutdown.return", "shutdown.reboot", "load.off.delay",
                              "shutdown.stayoff"}) {
    bool lost = false;
    if (device.instcmd(command, std::nullopt, state, lost) == 0) {
      log::info("Shutdown: {} accepted", command);
      return EXIT_SUCCESS;
    }
  }
  return fail("Shutdown failed!");
}

int dump(UpsDevice& device, UpsState& state, int updates) {
  // NUT's main loop (drivers/main.c) updates once before its loop and dumps on the (N+1)-th
  // update inside it: `-d N` is N+2 updates, each reading one interrupt report. The parity
  // suite's event sequences (tests/parity/events.py) depend on the same count.
  for (int i = 0; i < updates + 2; ++i) {
    if (device.interrupts_enabled()) device.read_interrupt(std::chrono::milliseconds(10), state);
    if (device.walk(mapping::WalkMode::kQuick, state) == LinkStatus::kLost) {
      return fail("UPS lost while dumping");
    }
  }
  std::fputs(dump_text(state).c_str(), stdout);
  return EXIT_SUCCESS;
}

int run(const CommandLine& command_line) {
  std::vector<Setting> settings;
  if (command_line.from_ups_conf) {
    auto from_file = settings_from_ups_conf(command_line.ups_name);
    if (!from_file) return fail(from_file.error());
    settings = std::move(*from_file);
  }
  settings.insert(settings.end(), command_line.settings.begin(), command_line.settings.end());
  if (command_line.poll_interval) {
    settings.push_back({"pollinterval", std::to_string(*command_line.poll_interval)});
  }
  auto options = make_driver_options(settings);
  if (!options) return fail(options.error());
  if (command_line.user) options->user = command_line.user;

  auto port = parse_port(options->port);
  if (!port) return fail(port.error());
  auto transport = make_transport(*port);
  if (!transport) return fail(transport.error());
  std::shared_ptr<SimDevice> sim;
  if (auto* sim_transport = dynamic_cast<SimTransport*>(transport->get())) {
    sim = sim_transport->device();
  }
  UpsDevice device(std::move(*transport), *options);

  const bool explore_only = options->explore && command_line.dump_after > 0;
  if (auto opened = device.open(!explore_only); !opened) {
    return fail(opened.error());
  }
  if (options->capture_file) {
    std::ofstream out(*options->capture_file);
    out << hid::write_capture(capture_device(device));
    if (!out) return fail("can't write capture " + *options->capture_file);
    log::info("capture written to {}", *options->capture_file);
  }
  if (options->explore) {
    for (const auto& line : explore_device(device)) std::printf("%s\n", line.c_str());
    if (explore_only) return EXIT_SUCCESS;
  }

  UpsState state;
  if (auto started = start_state(device, transport_version(*port), state); !started) {
    return fail(started.error());
  }
  if (command_line.kill_power) return kill_power(device, state);
  if (command_line.dump_after > 0) return dump(device, state, command_line.dump_after);

  // Like stock's drivers (RUN_AS_USER), one started as root opens the device as root and then
  // becomes "nut" unless -u or user= names another account; "-u root" keeps root, as in NUT.
  const std::string run_as = options->user.value_or(::geteuid() == 0 ? kDefaultUser : "");
  if (!run_as.empty()) {
    if (auto dropped = drop_privileges(run_as); !dropped) return fail(dropped.error());
  }
  const bool background = command_line.background ||
                          (!command_line.foreground && command_line.debug_level == 0);
  if (background) go_to_background();
  const std::string pid_file =
      paths::join(paths::alt_pid_path(), std::string(kProgram) + "-" + command_line.ups_name + ".pid");
  if (std::FILE* pid = std::fopen(pid_file.c_str(), "w")) {
    std::fprintf(pid, "%d\n", static_cast<int>(::getpid()));
    std::fclose(pid);
  }
  const std::string socket =
      paths::driver_socket_path(paths::state_path(), kProgram, command_line.ups_name);
  auto served = serve_driver(device, std::move(state), socket, sim);
  ::unlink(pid_file.c_str());
  if (!served) return fail(served.error());
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace walnut::usbhid

int main(int argc, char** argv) {
  using namespace walnut::usbhid;
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto command_line = parse_command_line(args);
  if (!command_line) {
    std::fprintf(stderr, "%s\n", command_line.error().c_str());
    return EXIT_FAILURE;
  }
  if (command_line->show_help) {
    std::fputs(help_text(kProgram).c_str(), stdout);
    return EXIT_SUCCESS;
  }
  if (command_line->show_version) {
    std::printf("Network UPS Tools - USB HID UPS driver %s (walnut %s)\n", kNutVersion,
                std::string(walnut::kWalnutVersion).c_str());
    return EXIT_SUCCESS;
  }
  walnut::log::set_debug_level(command_line->debug_level);
  return run(*command_line);
}
