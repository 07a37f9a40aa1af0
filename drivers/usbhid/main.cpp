// usbhid-ups: walnut's drop-in for NUT's USB HID UPS driver. Argument parsing and wiring only:
// the options, the device, then one of explore / capture / -k / -d / serving the socket.
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <syslog.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/config/ups_conf.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/posix_files.h"
#include "common/version.h"
#include "drivers/usbhid/device_capture.h"
#include "drivers/usbhid/driver_core.h"
#include "drivers/usbhid/driver_info.h"
#include "drivers/usbhid/driver_loop.h"
#include "drivers/usbhid/driver_options.h"
#include "drivers/usbhid/driver_process.h"
#include "drivers/usbhid/driver_query.h"
#include "drivers/usbhid/driver_vars.h"
#include "drivers/usbhid/transport/factory.h"
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

// -a NAME: the global settings drivers take (main.c do_global_args), then the section, in file
// order, each with its file:line for warnings.
Result<std::vector<Setting>> settings_from_ups_conf(const std::string& ups_name) {
  const std::string file = paths::join(paths::conf_path(), "ups.conf");
  auto text = config::read_text_file(file);
  if (!text) return Error{"Can't open " + file};
  auto conf = config::parse_ups_conf(*text, file);
  if (!conf) return Error{conf.error()};
  // NUT's precedence: the environment's NUT_STATEPATH wins over ups.conf's global STATEPATH.
  if (auto statepath = conf->statepath(); statepath && std::getenv("NUT_STATEPATH") == nullptr) {
    ::setenv("NUT_STATEPATH", statepath->c_str(), 1);
  }
  std::vector<Setting> settings;
  auto where = [&file](int line) { return fmt::format("{}:{}", file, line); };
  for (const auto& global : conf->global.settings) {
    if (!global.is_flag &&
        (global.key == "pollinterval" || global.key == "user" || global.key == "group" ||
         global.key == "synchronous" || global.key == "chroot" || global.key == "LIBUSB_DEBUG" ||
         global.key == "debug_min")) {
      settings.push_back({global.key, global.value, where(global.line), false});
    }
  }
  for (const auto& section : conf->ups) {
    if (section.name != ups_name) continue;  // drivers match their section case-sensitively
    for (const auto& setting : section.settings) {
      std::optional<std::string> value;
      if (!setting.is_flag) value = setting.value;
      settings.push_back({setting.key, value, where(setting.line), true});
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

// One fork, as stock NUT's drivers: Debian's nut-driver@.service is Type=forking without a
// PIDFile, so systemd takes the one process left in the unit once upsdrvctl returns as the main
// process. A second fork left an intermediate process for systemd to pick, which then exited:
// the unit counted as dead, stopped the real driver, and restarted every 15 s.
void go_to_background() {
  if (::fork() != 0) std::_Exit(EXIT_SUCCESS);
  ::setsid();
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
  }
  log::use_syslog(kProgram);
}

// NUT's upsdrv_shutdown (or sdcommands): the first command the UPS accepts powers the load off.
int kill_power(UpsDevice& device, UpsState& state) {
  for (const auto& command : shutdown_commands(device.options().sdcommands)) {
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
  state.set_info("driver.state", kStateDumping);
  std::fputs(dump_text(state).c_str(), stdout);
  return EXIT_SUCCESS;
}

// -c: NUT 2.8.5 sends exit and reload-or-error over the socket (INSTCMD driver.<cmd>, exit
// code = the reply's status, 255 when nobody answers) and reload-or-exit as SIGUSR1 to the PID
// file's process or -P's (main.c:2620, 2796).
int send_driver_command(const CommandLine& line, const std::string& socket,
                        const std::string& pid_file) {
  const std::string& command = *line.command;
  if (command == "exit" || command == "reload-or-error") {
    auto status = query_driver(socket, "INSTCMD driver." + command, std::chrono::seconds(15));
    if (!status) {
      log::error("Socket dialog with the other driver instance failed ({})", socket);
      return 255;
    }
    log::info("Request for driver to {} returned code {}", command, *status);
    return *status;
  }
  pid_t pid = line.command_pid.value_or(-1);
  if (pid < 0) {
    if (std::optional<long> found = read_pid_file(pid_file)) {
      pid = static_cast<pid_t>(*found);
    } else {
      log::warning("Could not find PID file '{}' to see if previous driver instance is already "
                   "running or not!", pid_file);
      log::notice("Failed to signal the currently running daemon (if any)");
      return EXIT_FAILURE;
    }
  }
  if (::kill(pid, SIGUSR1) != 0) {
    log::notice("Failed to signal the currently running daemon (if any)");
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}

bool process_alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// main.c:2700-2900: a driver starting for the same UPS first asks a running instance to exit
// over the socket, then signals the PID file's process (SIGTERM, then SIGKILL), so only one
// driver talks to the device. walnut waits in 100 ms steps where NUT sleeps 5 s.
void stop_duplicate(const std::string& socket, const std::string& pid_file) {
  using namespace std::chrono_literals;
  if (auto status = query_driver(socket, "INSTCMD driver.exit", 15s)) {
    log::warning("Duplicate driver instance detected (local Unix socket exists)! Asked the other "
                 "driver nicely to self-terminate!");
    // A driver that does not know driver.exit (NUT before 2.8.1) is left to the PID file.
    for (int i = 0; *status == 0 && i < 500 && driver_socket_answers(socket); ++i) {
      std::this_thread::sleep_for(100ms);
    }
  }
  const auto pid = static_cast<pid_t>(read_pid_file(pid_file).value_or(-1));
  if (pid < 0 || pid == ::getpid() || !process_alive(pid)) return;
  log::warning("Duplicate driver instance detected (PID file {} exists)! Terminating other driver!",
               pid_file);
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 150 && process_alive(pid); ++i) std::this_thread::sleep_for(100ms);
  if (process_alive(pid)) {
    log::warning("Duplicate driver instance is still alive (PID file {} exists) after several "
                 "termination attempts! Killing other driver!", pid_file);
    ::kill(pid, SIGKILL);
    for (int i = 0; i < 50 && process_alive(pid); ++i) std::this_thread::sleep_for(100ms);
  }
}

// -k through a running instance first (main.c:2575): allow killpower, then driver.killpower.
bool kill_power_through_running_driver(const std::string& socket) {
  using namespace std::chrono_literals;
  if (!query_driver(socket, "SET driver.flag.allow_killpower 1", 15s)) return false;
  auto status = query_driver(socket, "INSTCMD driver.killpower", 120s);
  if (status) log::info("Request to killpower via running driver instance returned code {}", *status);
  return status == 0;
}

// NUT's chroot_start: chdir, chroot, chdir("/").
Status enter_chroot(const std::string& dir) {
  if (::chdir(dir.c_str()) != 0 || ::chroot(dir.c_str()) != 0 || ::chdir("/") != 0) {
    return Error{fmt::format("chroot({}): {}", dir, std::strerror(errno))};
  }
  return Ok{};
}

// Settings as key -> value, for comparing two readings of ups.conf.
std::map<std::string, std::optional<std::string>> by_key(const std::vector<Setting>& settings) {
  std::map<std::string, std::optional<std::string>> keys;
  for (const auto& setting : settings) keys[setting.key] = setting.value;
  return keys;
}

// driver.reload*: walnut applies no setting on the fly, so every changed one needs a restart.
int count_changed_settings(const std::string& ups_name, const std::vector<Setting>& started_with) {
  auto now = settings_from_ups_conf(ups_name);
  if (!now) {
    log::warning("reload: {}", now.error());
    return -1;
  }
  const auto before = by_key(started_with);
  const auto after = by_key(*now);
  int changed = 0;
  for (const auto& [key, value] : after) {
    auto old = before.find(key);
    if (old == before.end() || old->second != value) {
      log::warning("NUT driver reload: setting {} was changed and requires a driver restart", key);
      ++changed;
    }
  }
  for (const auto& [key, value] : before) {
    if (after.count(key) == 0) {
      log::warning("NUT driver reload: setting {} was removed and requires a driver restart", key);
      ++changed;
    }
  }
  return changed;
}

int run(const CommandLine& command_line) {
  std::vector<Setting> settings;
  if (command_line.from_ups_conf) {
    auto from_file = settings_from_ups_conf(command_line.ups_name);
    if (!from_file) return fail(from_file.error());
    settings = std::move(*from_file);
  }
  const std::vector<Setting> conf_settings = settings;
  settings.insert(settings.end(), command_line.settings.begin(), command_line.settings.end());
  if (command_line.poll_interval) {
    settings.push_back({"pollinterval", std::to_string(*command_line.poll_interval)});
  }
  const std::string socket =
      paths::driver_socket_path(paths::state_path(), kProgram, command_line.ups_name);
  const std::string pid_file =
      paths::join(paths::alt_pid_path(), std::string(kProgram) + "-" + command_line.ups_name + ".pid");
  // -c needs no port: it only talks to the running instance.
  if (command_line.command) return send_driver_command(command_line, socket, pid_file);

  auto options = make_driver_options(settings, kProgram, command_line.ups_name);
  if (!options) return fail(options.error());
  for (const auto& warning : options->warnings) log::warning("{}", warning);
  if (command_line.user) options->user = command_line.user;
  if (command_line.group) options->group = command_line.group;
  if (command_line.chroot_dir) options->chroot_dir = command_line.chroot_dir;
  if (options->debug_min && *options->debug_min > command_line.debug_level) {
    log::set_debug_level(*options->debug_min);
  }
  if (options->libusb_debug) ::setenv("LIBUSB_DEBUG", options->libusb_debug->c_str(), 1);

  if (command_line.kill_power) {
    log::info("Checking if an already running driver instance can handle the shutdown command "
              "for us");
    if (kill_power_through_running_driver(socket)) return EXIT_SUCCESS;
  }
  stop_duplicate(socket, pid_file);

  auto port = parse_port(options->port);
  if (!port) return fail(port.error());
  mapping::SelectionRequest claim;  // what steers the choice of subdriver, as UpsDevice selects
  claim.subdriver = options->subdriver;
  claim.productid_option = options->match.product_id.has_value();
  claim.explore = options->explore;
  auto transport = make_transport(*port, options->usb, claim);
  if (!transport) return fail(transport.error());
  std::vector<SignalAction> transport_signals = signal_actions(**transport);
  UpsDevice device(std::move(*transport), *options);

  const bool explore_only = options->explore && command_line.dump_after > 0;
  if (auto opened = device.open(!explore_only); !opened) {
    return fail(opened.error());
  }
  if (options->capture_file) {
    if (!config::write_text_file(*options->capture_file, capture_file_text(device, settings))) {
      return fail("can't write capture " + *options->capture_file);
    }
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

  // NUT chroots before opening the device; walnut opens it first (the device nodes and sysfs
  // need not exist inside the chroot for the first open; a reattach after an unplug does).
  if (options->chroot_dir) {
    if (auto entered = enter_chroot(*options->chroot_dir); !entered) return fail(entered.error());
  }
  // Like stock's drivers (RUN_AS_USER), one started as root opens the device as root and then
  // becomes "nut" unless -u or user= names another account; "-u root" keeps root, as in NUT.
  const std::string run_as = options->user.value_or(::geteuid() == 0 ? kDefaultUser : "");
  if (!run_as.empty()) {
    if (auto dropped = drop_privileges(run_as); !dropped) return fail(dropped.error());
  }
  const bool background = command_line.background ||
                          (!command_line.foreground && command_line.debug_level == 0);
  if (background) go_to_background();
  if (command_line.quiet > 7) return fail("Invalid log level threshold");
  // -q: NUT's nut_log_level raises syslog's threshold (common.c open_syslog).
  if (command_line.quiet > 0) ::setlogmask(LOG_UPTO(LOG_DEBUG - command_line.quiet));
  if (std::FILE* pid = std::fopen(pid_file.c_str(), "w")) {
    std::fprintf(pid, "%d\n", static_cast<int>(::getpid()));
    std::fclose(pid);
  }
  DriverControl control;
  control.socket_group = options->group;
  if (command_line.from_ups_conf) {
    control.reload = [name = command_line.ups_name, conf_settings] {
      return count_changed_settings(name, conf_settings);
    };
  }
  auto served = serve_driver(device, std::move(state), socket, std::move(transport_signals),
                             std::move(control));
  ::unlink(pid_file.c_str());
  if (!served) return fail(served.error());
  return EXIT_SUCCESS;
}

}  // namespace
}  // namespace walnut::usbhid

int main(int argc, char** argv) {
  using namespace walnut::usbhid;
  // One malloc arena: the device and socket threads allocate little, and an arena of their own
  // each kept its pages resident (docs/benchmarks, "Memory").
  ::mallopt(M_ARENA_MAX, 1);
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
  if (command_line->list_vars) {
    std::fputs(list_vars_text().c_str(), stdout);
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
