// The running simulation inside the driver process that owns port=sim:FILE: the physical model
// on its own scaled clock, the scenario's timeline, the control socket, and the device's
// reports kept in step with the model (interrupts fire on changes; the device drops off the bus
// when it powers down). One thread; the thread survives the driver's fork into background.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/sim/report_binding.h"
#include "drivers/usbhid/sim/scenario.h"
#include "drivers/usbhid/sim/ups_physics.h"
#include "drivers/usbhid/transport/sim_device.h"

namespace walnut::usbhid::sim {

struct SimulationOptions {
  std::string control_socket;            // "" = no control socket
  std::string state_file;                // "" = don't save or resume
  std::optional<std::string> scenario_file;
  std::optional<double> time_scale;      // overrides the scenario's; default 1
};

// From the environment: WALNUT_SIM_SOCKET, WALNUT_SIM_SCENARIO, WALNUT_SIM_SCALE,
// WALNUT_SIM_STATE (default: the socket's path + ".state"). Nothing when neither a socket nor a
// scenario is asked for: the sim then replays its capture unchanged, as before.
std::optional<SimulationOptions> simulation_options_from_environment();

class Simulation {
 public:
  // Binds the model to the device's descriptor, starts it from the capture's values (or from
  // the saved state, advanced by the time since it was saved), writes the reports once and
  // opens the control socket. The clock does not run until start().
  static Result<std::unique_ptr<Simulation>> create(std::shared_ptr<SimDevice> device,
                                                    SimulationOptions options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  void start();  // the thread: control socket + a tick every 50 ms
  void stop();   // joins the thread

  // One step of `real_seconds` (times the scale): host writes, due scenario events, physics,
  // reports, plug state, saved state. The thread calls it; tests call it directly.
  void tick(double real_seconds);
  // A control-socket request -> its reply ("...OK\n" or "ERR why\n").
  std::string handle_request(const std::string& line);

  UpsPhysics physics() const;
  double time_scale() const;

 private:
  Simulation(std::shared_ptr<SimDevice> device, SimulationOptions options, ReportBinding binding);
  void run();
  void publish();  // REQUIRES: mutex_ held
  void save();     // REQUIRES: mutex_ held
  void advance_with_events(double sim_seconds);  // REQUIRES: mutex_ held
  // usb ok/slow/busy: the bus between the UPS and the host, not the UPS itself.
  void apply_to_bus(const SimCommand& command);
  UpsLimits limits() const;

  std::shared_ptr<SimDevice> device_;
  SimulationOptions options_;
  ReportBinding binding_;
  Scenario scenario_;
  std::size_t next_event_ = 0;
  mutable std::mutex mutex_;
  UpsPhysics ups_;
  double scale_ = 1;
  bool usb_wanted_ = true;
  std::vector<std::vector<std::uint8_t>> host_writes_;  // guarded by mutex_
  int listen_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::chrono::steady_clock::time_point last_save_{};
  // When the last control command started writing its reports (and queueing their interrupts):
  // `status` tells it, for a benchmark timing how fast the change reaches the driver socket.
  std::optional<std::chrono::steady_clock::time_point> last_applied_;  // guarded by mutex_
};

// Connects the simulation the environment asks for to a freshly built sim device: either this
// process runs it (kept in a process-wide slot until exit), or, when another process already
// serves the control socket (a second usbhid-ups for -k or -d), this process forwards the
// host's SET_REPORTs to that one, which owns the device's state. Does nothing when the
// environment asks for no simulation.
Status attach_simulation(const std::shared_ptr<SimDevice>& device);

}  // namespace walnut::usbhid::sim
