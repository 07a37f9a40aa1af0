// The running simulation: clock, scenario, control socket, reports.
#include "drivers/usbhid/sim/simulation.h"

#include <pthread.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "common/log.h"
#include "drivers/usbhid/sim/control_socket.h"
#include "drivers/usbhid/sim/state_file.h"

namespace walnut::usbhid::sim {
namespace {

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr auto kSaveEvery = std::chrono::milliseconds(250);

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

}  // namespace

std::optional<SimulationOptions> simulation_options_from_environment() {
  auto socket = environment("WALNUT_SIM_SOCKET");
  auto scenario = environment("WALNUT_SIM_SCENARIO");
  if (!socket && !scenario) return std::nullopt;
  SimulationOptions options;
  options.control_socket = socket.value_or("");
  options.scenario_file = scenario;
  if (auto scale = environment("WALNUT_SIM_SCALE")) {
    char* end = nullptr;
    const double value = std::strtod(scale->c_str(), &end);
    if (end != nullptr && *end == '\0' && value > 0) options.time_scale = value;
  }
  options.state_file = environment("WALNUT_SIM_STATE")
                           .value_or(socket ? *socket + ".state" : std::string());
  return options;
}

Simulation::Simulation(std::shared_ptr<SimDevice> device, SimulationOptions options,
                       ReportBinding binding)
    : device_(std::move(device)), options_(std::move(options)), binding_(std::move(binding)) {}

Result<std::unique_ptr<Simulation>> Simulation::create(std::shared_ptr<SimDevice> device,
                                                       SimulationOptions options) {
  auto binding = ReportBinding::from_descriptor(device->image().report_descriptor);
  if (!binding) return Error{"sim: " + binding.error()};
  std::unique_ptr<Simulation> sim(new Simulation(device, options, std::move(*binding)));
  auto lookup = [&device](std::uint8_t id) { return device->report(id); };
  sim->binding_.calibrate(sim->ups_, lookup);
  if (options.scenario_file) {
    auto scenario = load_scenario(*options.scenario_file);
    if (!scenario) return Error{"sim: " + scenario.error()};
    sim->scenario_ = std::move(*scenario);
  }
  sim->scale_ = options.time_scale.value_or(sim->scenario_.time_scale.value_or(1));
  std::lock_guard lock(sim->mutex_);
  double resume_seconds = 0;
  if (!options.state_file.empty() && ::access(options.state_file.c_str(), F_OK) == 0) {
    auto saved = load_state(options.state_file);
    if (!saved) return Error{"sim: " + saved.error()};
    sim->ups_ = saved->ups;
    resume_seconds = std::max(0.0, wall_seconds() - saved->wall_seconds) * sim->scale_;
    while (sim->next_event_ < sim->scenario_.events.size() &&
           sim->scenario_.events[sim->next_event_].at <= sim->ups_.clock) {
      ++sim->next_event_;
    }
    log::notice("sim: resuming the saved state of {} ({:.0f} sim seconds later)",
                options.state_file, resume_seconds);
  }
  sim->advance_with_events(resume_seconds);
  sim->usb_wanted_ = usb_present(sim->ups_, sim->limits());
  if (!sim->usb_wanted_) device->unplug();
  sim->publish();
  if (!options.control_socket.empty()) {
    auto fd = listen_control_socket(options.control_socket);
    if (!fd) return Error{"sim: " + fd.error()};
    sim->listen_fd_ = *fd;
  }
  device->set_host_write_observer([raw = sim.get()](std::uint8_t, const std::vector<std::uint8_t>& bytes) {
    std::lock_guard lock(raw->mutex_);
    raw->host_writes_.push_back(bytes);
  });
  return sim;
}

Simulation::~Simulation() {
  stop();
  device_->set_host_write_observer(nullptr);
  tick(0);  // a SET_REPORT just received (usbhid-ups -k with no driver running) is kept
  {
    std::lock_guard lock(mutex_);
    save();
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(options_.control_socket.c_str());
  }
}

void Simulation::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void Simulation::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void Simulation::run() {
  auto last = std::chrono::steady_clock::now();
  while (running_) {
    if (listen_fd_ >= 0) {
      while (serve_one_request(listen_fd_, std::chrono::milliseconds(1000),
                               [this](const std::string& line) { return handle_request(line); })) {
      }
    }
    std::this_thread::sleep_for(kTick);
    const auto now = std::chrono::steady_clock::now();
    tick(std::chrono::duration<double>(now - last).count());
    last = now;
  }
}

UpsLimits Simulation::limits() const {
  return binding_.read_limits([this](std::uint8_t id) { return device_->report(id); });
}

void Simulation::apply_to_bus(const SimCommand& command) {
  SimDevice::SlowBus bus;
  if (!command.on) {
    bus.delay = std::chrono::milliseconds(static_cast<long>(command.number));
    bus.timeout_every = command.every;
  }
  device_->set_slow_bus(bus);
  device_->set_busy(command.on);
}

void Simulation::advance_with_events(double sim_seconds) {
  const double until = ups_.clock + sim_seconds;
  while (next_event_ < scenario_.events.size() && scenario_.events[next_event_].at <= until) {
    const auto& event = scenario_.events[next_event_++];
    if (event.at > ups_.clock) advance(ups_, limits(), event.at - ups_.clock);
    log::notice("sim: t={:.0f}s {}", event.at, event.text);
    if (event.command.kind == SimCommand::Kind::kScale) {
      scale_ = event.command.number;
    } else if (event.command.kind == SimCommand::Kind::kUsb) {
      apply_to_bus(event.command);
    } else {
      apply_to_physics(event.command, ups_);
    }
  }
  if (until > ups_.clock) advance(ups_, limits(), until - ups_.clock);
}

void Simulation::tick(double real_seconds) {
  std::lock_guard lock(mutex_);
  for (const auto& bytes : host_writes_) {
    if (!bytes.empty()) binding_.apply_host_write(bytes[0], bytes, ups_);
  }
  host_writes_.clear();
  advance_with_events(real_seconds * scale_);
  publish();
  const auto now = std::chrono::steady_clock::now();
  if (now - last_save_ >= kSaveEvery) {
    save();
    last_save_ = now;
  }
}

void Simulation::publish() {
  const UpsLimits present = limits();
  auto lookup = [this](std::uint8_t id) { return device_->report(id); };
  for (auto& [id, bytes] : binding_.render(ups_, present, lookup)) {
    device_->set_report(id, std::move(bytes));
  }
  const bool wanted = usb_present(ups_, present);
  if (wanted != usb_wanted_) {
    usb_wanted_ = wanted;
    log::notice("sim: the UPS {} the USB bus", wanted ? "is back on" : "drops off");
    if (wanted) {
      device_->replug();
    } else {
      device_->unplug();
    }
  }
}

void Simulation::save() {
  if (options_.state_file.empty()) return;
  if (auto saved = save_state(options_.state_file, {ups_, wall_seconds()}); !saved) {
    log::warning("sim: {}", saved.error());
  }
}

std::string Simulation::handle_request(const std::string& line) {
  auto command = parse_sim_command(line);
  if (!command) return "ERR " + command.error() + "\n";
  std::string reply;
  {
    std::lock_guard lock(mutex_);
    switch (command->kind) {
      case SimCommand::Kind::kStatus:
        reply = describe(ups_, limits()) + fmt::format("scale: {}\n", scale_);
        if (last_applied_) {
          // The steady clock is CLOCK_MONOTONIC: another process on the host can compare it.
          reply += fmt::format("applied_ns: {}\n", std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                       last_applied_->time_since_epoch()).count());
        }
        break;
      case SimCommand::Kind::kScale:
        scale_ = command->number;
        break;
      case SimCommand::Kind::kHostWrite:
        host_writes_.push_back(command->bytes);
        break;
      case SimCommand::Kind::kUsb:
        apply_to_bus(*command);
        log::notice("sim: {}", line);
        break;
      default:
        apply_to_physics(*command, ups_);
        log::notice("sim: {}", line);
        last_applied_ = std::chrono::steady_clock::now();  // tick(0) writes the reports next
        break;
    }
  }
  tick(0);
  return reply + "OK\n";
}

UpsPhysics Simulation::physics() const {
  std::lock_guard lock(mutex_);
  return ups_;
}

double Simulation::time_scale() const {
  std::lock_guard lock(mutex_);
  return scale_;
}

namespace {

std::unique_ptr<Simulation>& running_simulation() {
  static std::unique_ptr<Simulation> simulation;
  return simulation;
}

bool g_was_running = false;

// A fork (the driver going to background) must not copy a thread holding a lock: stop the
// clock in the parent before it and start it again on both sides.
void before_fork() {
  if (auto& simulation = running_simulation()) {
    g_was_running = true;
    simulation->stop();
  }
}

void after_fork() {
  if (g_was_running) running_simulation()->start();
  g_was_running = false;
}

}  // namespace

Status attach_simulation(const std::shared_ptr<SimDevice>& device) {
  auto options = simulation_options_from_environment();
  if (!options) return Ok{};
  if (!options->control_socket.empty() && control_socket_live(options->control_socket)) {
    const std::string path = options->control_socket;
    device->set_host_write_observer([path](std::uint8_t, const std::vector<std::uint8_t>& bytes) {
      auto reply = send_control_request(path, host_write_line(bytes), std::chrono::seconds(5));
      if (!reply) log::warning("sim: can't forward a SET_REPORT: {}", reply.error());
    });
    log::info("sim: {} is served by another process; forwarding SET_REPORTs to it",
              options->control_socket);
    return Ok{};
  }
  // A user's capture of a device the model cannot drive is still worth running: replay it.
  if (!options->scenario_file) {
    if (auto binding = ReportBinding::from_descriptor(device->image().report_descriptor); !binding) {
      log::warning("sim: {}: replaying the capture without the physical model (no control socket)",
                   binding.error());
      return Ok{};
    }
  }
  auto simulation = Simulation::create(device, std::move(*options));
  if (!simulation) return Error{simulation.error()};
  static bool registered = false;
  if (!registered) {
    ::pthread_atfork(before_fork, after_fork, after_fork);
    registered = true;
  }
  running_simulation() = std::move(*simulation);
  running_simulation()->start();
  return Ok{};
}

}  // namespace walnut::usbhid::sim
