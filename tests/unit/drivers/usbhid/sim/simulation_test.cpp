// Tests of drivers/usbhid/sim/simulation.cpp: the model driving a real SimDevice, through its
// control requests, the host's SET_REPORTs and the saved state.
#include "drivers/usbhid/sim/simulation.h"

#include <unistd.h>

#include <array>
#include <filesystem>

#include <gtest/gtest.h>

#include "drivers/usbhid/sim/control_socket.h"
#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_transport.h"

namespace walnut::usbhid::sim {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

class SimulationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/walnut-sim-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    options_.control_socket = dir_ + "/sim.sock";
    options_.state_file = dir_ + "/sim.state";
    options_.time_scale = 10;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::shared_ptr<SimDevice> make_device() {
    auto image = load_sim_image(WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt");
    EXPECT_TRUE(image) << image.error();
    return std::make_shared<SimDevice>(std::move(*image));
  }
  // Interrupt reports waiting on the device, drained.
  static std::vector<Bytes> drain_interrupts(SimTransport& host) {
    std::vector<Bytes> out;
    std::array<std::uint8_t, 64> buffer{};
    for (;;) {
      auto read = host.read_interrupt(buffer, 10ms);
      if (read.status != IoStatus::kOk) return out;
      out.emplace_back(buffer.begin(), buffer.begin() + static_cast<long>(read.size));
    }
  }
  std::string dir_;
  SimulationOptions options_;
};

TEST_F(SimulationTest, MainsOffChangesTheReportsAndSendsAnInterrupt) {
  auto device = make_device();
  auto sim = Simulation::create(device, options_);
  ASSERT_TRUE(sim) << sim.error();
  SimTransport host(device);
  ASSERT_TRUE(host.open({}));
  drain_interrupts(host);
  EXPECT_EQ((*sim)->handle_request("mains off"), "OK\n");
  EXPECT_EQ(device->report(0x13), (Bytes{0x13, 0x00}));
  bool status_sent = false;
  for (const auto& report : drain_interrupts(host)) {
    if (report[0] == 0x16) status_sent = (report[1] & 0x04) == 0;  // ACPresent cleared
  }
  EXPECT_TRUE(status_sent);
  const std::string status = (*sim)->handle_request("status");
  EXPECT_NE(status.find("on_battery: on\n"), std::string::npos) << status;
  EXPECT_EQ((*sim)->handle_request("load x").rfind("ERR load:", 0), 0u);
}

// Taking the battery out clears BatteryPresent (report 0x16, bit 3 on this APC), which NUT reads
// as "No battery installed!" and, since 2.8.5, RB; fitting one ("battery ok") sets it again.
TEST_F(SimulationTest, TakingTheBatteryOutClearsBatteryPresent) {
  auto device = make_device();
  auto sim = Simulation::create(device, options_);
  ASSERT_TRUE(sim) << sim.error();
  ASSERT_TRUE(device->report(0x16).has_value());
  EXPECT_NE(device->report(0x16)->at(1) & 0x08, 0);
  EXPECT_EQ((*sim)->handle_request("battery absent"), "OK\n");
  EXPECT_EQ(device->report(0x16)->at(1) & 0x08, 0);
  EXPECT_NE((*sim)->handle_request("status").find("battery: absent\n"), std::string::npos);
  EXPECT_EQ((*sim)->handle_request("battery ok"), "OK\n");
  EXPECT_NE(device->report(0x16)->at(1) & 0x08, 0);
}

TEST_F(SimulationTest, TheControlSocketAnswers) {
  auto device = make_device();
  auto sim = Simulation::create(device, options_);
  ASSERT_TRUE(sim) << sim.error();
  (*sim)->start();
  EXPECT_TRUE(control_socket_live(options_.control_socket));
  auto reply = send_control_request(options_.control_socket, "charge 50", 10s);
  ASSERT_TRUE(reply) << reply.error();
  EXPECT_EQ(*reply, "OK\n");
  EXPECT_NEAR((*sim)->physics().charge, 50, 1);
  (*sim)->stop();
}

TEST_F(SimulationTest, HostShutdownOnBatteryCutsOutputAndUnplugsUntilMainsReturns) {
  auto device = make_device();
  auto sim = Simulation::create(device, options_);
  ASSERT_TRUE(sim) << sim.error();
  SimTransport host(device);
  ASSERT_TRUE(host.open({}));
  (*sim)->handle_request("mains off");
  const Bytes reboot = {0x40, 0x0a};  // what usbhid-ups -k sends an ES 850G2
  ASSERT_EQ(host.set_feature_report(0x40, reboot).status, IoStatus::kOk);
  (*sim)->tick(0);
  EXPECT_EQ(device->report(0x40), reboot);
  (*sim)->tick(0.5);  // 5 sim seconds
  EXPECT_EQ(device->report(0x40), (Bytes{0x40, 0x05}));
  EXPECT_TRUE(device->plugged());
  (*sim)->tick(0.6);
  EXPECT_FALSE((*sim)->physics().output_on);
  EXPECT_FALSE(device->plugged());
  (*sim)->handle_request("mains on");
  (*sim)->tick(1.1);
  EXPECT_TRUE((*sim)->physics().output_on);
  EXPECT_TRUE(device->plugged());
}

TEST_F(SimulationTest, ARestartedSimulationResumesTheSavedState) {
  {
    auto device = make_device();
    auto sim = Simulation::create(device, options_);
    ASSERT_TRUE(sim) << sim.error();
    (*sim)->handle_request("mains off");
    (*sim)->handle_request("charge 40");
  }
  auto device = make_device();
  auto sim = Simulation::create(device, options_);
  ASSERT_TRUE(sim) << sim.error();
  EXPECT_FALSE((*sim)->physics().mains);
  EXPECT_LE((*sim)->physics().charge, 40);
  EXPECT_GT((*sim)->physics().charge, 20);
  EXPECT_EQ(device->report(0x13), (Bytes{0x13, 0x00}));  // written before any host reads
}

TEST_F(SimulationTest, AScenarioPlaysOnTheSimClock) {
  const std::string file = dir_ + "/s.yaml";
  FILE* out = std::fopen(file.c_str(), "w");
  std::fputs("events:\n  - {at: 0, do: load 50}\n  - {at: 30s, do: mains off}\n", out);
  std::fclose(out);
  options_.scenario_file = file;
  auto device = make_device();
  auto sim = Simulation::create(device, options_);
  ASSERT_TRUE(sim) << sim.error();
  EXPECT_EQ((*sim)->physics().load, 50);
  (*sim)->tick(2.9);
  EXPECT_TRUE((*sim)->physics().mains);
  (*sim)->tick(0.2);
  EXPECT_FALSE((*sim)->physics().mains);
}

}  // namespace
}  // namespace walnut::usbhid::sim
