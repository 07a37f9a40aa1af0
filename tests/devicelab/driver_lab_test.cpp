// walnut's real usbhid-ups binary (build/bin/usbhid-ups, port = auto) against the emulated UPS,
// in a separate process served by this one's testbed: it must find the UPS by
// vendor/product/serial, publish its data on the driver socket, read interrupt reports, turn an
// instant command into the SET_REPORT bytes stock NUT sends, and survive an unplug/replug.

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "drivers/usbhid/sim/report_binding.h"
#include "tests/devicelab/capture_device.h"
#include "tests/devicelab/child_process.h"
#include "tests/devicelab/driver_socket_client.h"
#include "tests/devicelab/usb_lab.h"

namespace walnut::devicelab {
namespace {

constexpr const char* kCapture = WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.txt";
// Stock NUT 2.8.0 usbhid-ups's SET_REPORTs for each command on the same capture.
constexpr const char* kStockCommands =
    WALNUT_TEST_DATA_DIR "/hid-corpus/apc-back-ups-es-850g2.commands.txt";
constexpr const char* kSerial = "3B1925X12345";
constexpr auto kPatience = std::chrono::seconds(30);

// The bytes of the first SET_REPORT stock NUT sent for `request` ("instcmd beeper.disable").
std::optional<Bytes> stock_set_report(const std::string& request) {
  std::ifstream file(kStockCommands);
  std::string line;
  bool found = false;
  while (std::getline(file, line)) {
    if (!found) {
      found = line.rfind(request + " => ", 0) == 0;
      continue;
    }
    if (line.rfind("SET_REPORT ", 0) != 0) return std::nullopt;
    std::istringstream bytes(line.substr(line.find(':') + 1));
    Bytes out;
    for (std::string hex; bytes >> hex;) out.push_back(static_cast<std::uint8_t>(std::stoul(hex, nullptr, 16)));
    return out;
  }
  return std::nullopt;
}

// Run once per transport: port=auto (libusb-1.0) and port=hidraw (hidapi).
class DriverLab : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto image = ups_image_from_capture(kCapture, kSerial);
    ASSERT_TRUE(image.ok()) << image.error();
    // The same model with other serials on the ports before and after it: whichever order
    // the backend enumerates in (libusb: newest first; hidapi: by name), the driver meets one
    // it must skip by serial.
    UpsImage twin = *image;
    twin.strings[3] = "3B1925X99999";
    twin.feature_reports[0x0c] = {0x0c, 0x21, 0x64, 0x03};
    lab_ = std::make_unique<UsbLab>(std::make_shared<EmulatedUps>(twin));
    ups_ = lab_->add(std::make_shared<EmulatedUps>(std::move(*image)));
    twin.strings[3] = "3B1925X88888";
    lab_->add(std::make_shared<EmulatedUps>(std::move(twin)));
    char directory[] = "/tmp/walnut-devicelab.XXXXXX";
    ASSERT_NE(::mkdtemp(directory), nullptr);
    state_dir_ = directory;
    std::vector<std::string> environment;
    for (const std::string& variable : lab_->child_environment()) {
      if (variable.rfind("NUT_STATEPATH=", 0) == 0 || variable.rfind("NUT_ALTPIDPATH=", 0) == 0) continue;
      environment.push_back(variable);
    }
    environment.push_back("NUT_STATEPATH=" + state_dir_);
    environment.push_back("NUT_ALTPIDPATH=" + state_dir_);
    environment_ = environment;
    // -u as ourselves: the testbed directory is private to its owner.
    const std::string user = ::geteuid() == 0 ? "root" : std::to_string(::geteuid());
    driver_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{driver_binary(), "-s", "lab", "-x", "port=" + GetParam(), "-x",
                                 "vendorid=051d", "-x", "productid=0002", "-x",
                                 std::string("serial=") + kSerial, pollinterval_flag(), pollinterval_value(),
                                 // Full walks every 5 s: walnut's cross-check of the values its
                                 // interrupt pipe delivers (quick walks leave them to the pipe).
                                 "-x", "pollfreq=5", "-u",
                                 user, "-F", "-DD"},
        environment, log_path());
    ASSERT_GT(driver_->pid(), 0);
    auto socket = DriverSocketClient::connect(state_dir_ + "/usbhid-ups-lab", kPatience);
    ASSERT_TRUE(socket.has_value()) << "driver socket never appeared; driver log:\n" << log();
    socket_ = std::make_unique<DriverSocketClient>(std::move(*socket));
  }

  // The binary under test: walnut's; StockDriverLab runs stock NUT's on the same scenario.
  virtual std::string driver_binary() const { return WALNUT_USBHID_UPS; }
  // pollinterval 1: stock 2.8.0 takes it only as -i (its ups.conf global), walnut also as -x.
  virtual std::string pollinterval_flag() const { return "-x"; }
  virtual std::string pollinterval_value() const { return "pollinterval=1"; }

  void TearDown() override {
    socket_.reset();
    if (driver_) driver_->stop();
    // WALNUT_DEVICELAB_VERBOSE=1 shows the driver's -DD log of passing tests too.
    if (HasFailure() || std::getenv("WALNUT_DEVICELAB_VERBOSE") != nullptr) {
      std::cerr << "driver log:\n" << log();
    }
    driver_.reset();
    lab_.reset();
    if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_);
  }

  std::vector<std::string> environment_;  // the driver's: testbed, state directory
  std::string log_path() const { return state_dir_ + "/driver.log"; }
  std::string log() const {
    std::ifstream file(log_path());
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  // Polls DUMPALL until `variable` has `value` (the driver publishes on its own schedule).
  bool eventually_published(const std::string& variable, const std::string& value) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      auto variables = socket_->dump_all(kPatience);
      if (!variables) return false;
      const auto found = variables->find(variable);
      if (found != variables->end() && found->second == value) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // What a driver did on a slow bus (docs/field-failures.md #3), watched for `period` on its
  // socket: DATASTALE/DATAOK lines, and PINGs (sent every second, as upsd does when a driver
  // has been quiet) answered within a second. upsd's own staleness rule is `maxage` without a
  // word from the driver, so a PONG in time keeps the data fresh upstream too.
  struct SlowRun {
    int transitions = 0;
    int pings = 0;
    int pongs_in_time = 0;
    std::chrono::milliseconds longest_wait{0};  // the slowest PONG (or one never answered)
    std::vector<std::string> log;
  };
  SlowRun watch_slow_bus(std::chrono::seconds period) {
    using Clock = std::chrono::steady_clock;
    SlowRun run;
    std::deque<Clock::time_point> unanswered;
    const auto note_wait = [&](Clock::time_point sent) {
      run.longest_wait = std::max(run.longest_wait,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent));
    };
    const auto end = Clock::now() + period;
    while (Clock::now() < end) {
      if (!socket_->send("PING")) break;
      unanswered.push_back(Clock::now());
      ++run.pings;
      socket_->wait_for([&](const std::string& line) {
        if (line == "DATASTALE" || line == "DATAOK") {
          ++run.transitions;
          run.log.push_back(line);
        }
        if (line == "PONG" && !unanswered.empty()) {
          if (Clock::now() - unanswered.front() <= std::chrono::seconds(1)) ++run.pongs_in_time;
          note_wait(unanswered.front());
          unanswered.pop_front();
        }
        return false;
      }, std::chrono::seconds(1));
    }
    if (!unanswered.empty()) note_wait(unanswered.front());
    return run;
  }

  // Mains drops as the simulator's physics writes it into the UPS's feature reports; nothing
  // is sent on the interrupt pipe (the APC BX...MI fault, NUT #2644).
  void cut_mains_with_a_silent_pipe() {
    EmulatedUps& ups = lab_->ups(ups_);
    auto binding = usbhid::sim::ReportBinding::from_descriptor(ups.image().report_descriptor);
    ASSERT_TRUE(binding.ok()) << binding.error();
    const usbhid::sim::ReportLookup lookup = [&](std::uint8_t id) { return ups.feature(id); };
    usbhid::sim::UpsPhysics physics;
    binding->calibrate(physics, lookup);
    physics.mains = false;
    for (auto& [id, bytes] : binding->render(physics, binding->read_limits(lookup), lookup)) {
      ups.put_feature(bytes);
    }
  }

  std::unique_ptr<UsbLab> lab_;
  int ups_ = 0;  // the lab's index of the UPS the driver is configured for
  std::string state_dir_;
  std::unique_ptr<ChildProcess> driver_;
  std::unique_ptr<DriverSocketClient> socket_;
};

bool uses_libusb() { return DriverLab::GetParam() == "auto"; }

TEST_P(DriverLab, PublishesTheUpsItFound) {
  auto variables = socket_->dump_all(kPatience);
  ASSERT_TRUE(variables.has_value());
  EXPECT_EQ((*variables)["ups.status"], "OL");
  EXPECT_EQ((*variables)["battery.charge"], "100");
  EXPECT_EQ((*variables)["battery.runtime"], "868");
  EXPECT_EQ((*variables)["input.voltage"], "228.0");
  EXPECT_EQ((*variables)["ups.serial"], kSerial);
  EXPECT_EQ((*variables)["ups.vendorid"], "051d");
  EXPECT_EQ((*variables)["driver.version.usb"].rfind(uses_libusb() ? "libusb-1.0" : "hidapi", 0), 0u);
  // What the driver did to the device to get there: libusb takes the interface from the
  // kernel's usbhid; hidraw goes through it.
  EXPECT_EQ(lab_->usbfs(ups_).kernel_driver_bound(), !uses_libusb());
  EXPECT_EQ(lab_->usbfs(ups_).interface_claimed(), uses_libusb());
  EXPECT_GE(lab_->ups(ups_).get_report_count(0x0c), 1);  // RemainingCapacity, polled
  for (int other : {0, 2}) {  // the other UPSes were left alone
    EXPECT_TRUE(lab_->usbfs(other).kernel_driver_bound()) << other;
    EXPECT_EQ(lab_->ups(other).get_report_count(0x0c), 0) << other;
  }
}

TEST_P(DriverLab, ReadsInterruptReports) {
  ASSERT_TRUE(eventually_published("battery.charge", "100"));
  // The UPS reports its new charge on the interrupt pipe (and in its feature report, which
  // the driver also polls: a real UPS's state is the same on both).
  lab_->ups(ups_).put_feature({0x0c, 0x32, 0x64, 0x03});
  lab_->send_interrupt({0x0c, 0x32, 0x64, 0x03}, ups_);
  EXPECT_TRUE(eventually_published("battery.charge", "50"));
  EXPECT_FALSE(lab_->ups(ups_).has_interrupt()) << "the driver never read the interrupt pipe";
}

TEST_P(DriverLab, InstantCommandsReachTheDeviceAsStockNutsSetReports) {
  int tracking = 0;
  for (const std::string command : {"beeper.disable", "test.battery.start.quick", "beeper.enable"}) {
    const auto expected = stock_set_report("instcmd " + command);
    ASSERT_TRUE(expected.has_value()) << command << " not in " << kStockCommands;
    const std::string id = "lab" + std::to_string(++tracking);
    const std::size_t before = lab_->ups(ups_).set_reports().size();
    ASSERT_TRUE(socket_->send("INSTCMD " + command + " TRACKING " + id));
    const auto reply = socket_->wait_for(
        [&](const std::string& line) { return line.rfind("TRACKING " + id + " ", 0) == 0; },
        kPatience);
    ASSERT_TRUE(reply.has_value()) << command << ": no TRACKING reply";
    EXPECT_EQ(*reply, "TRACKING " + id + " 0") << command;
    const auto sent = lab_->ups(ups_).set_reports();
    ASSERT_EQ(sent.size(), before + 1) << command;
    EXPECT_EQ(sent.back(), *expected) << command;
  }
  EXPECT_TRUE(lab_->ups(0).set_reports().empty()) << "a command went to another UPS";
  EXPECT_TRUE(lab_->ups(2).set_reports().empty()) << "a command went to another UPS";
}

TEST_P(DriverLab, SurvivesUnplugAndReplugWithoutRestarting) {
  ASSERT_TRUE(eventually_published("battery.charge", "100"));
  lab_->unplug(ups_);
  EXPECT_TRUE(socket_->wait_for([](const std::string& line) { return line == "DATASTALE"; },
                                kPatience))
      << "the driver never said its data went stale";

  lab_->ups(ups_).put_feature({0x0c, 0x4b, 0x64, 0x03});  // charge changed while unplugged
  lab_->replug(ups_);
  EXPECT_TRUE(socket_->wait_for([](const std::string& line) { return line == "DATAOK"; },
                                kPatience))
      << "the driver never came back";
  EXPECT_TRUE(eventually_published("battery.charge", "75"));
  EXPECT_TRUE(driver_->running()) << "the driver exited instead of reconnecting";
  EXPECT_EQ(lab_->usbfs(ups_).kernel_driver_bound(), !uses_libusb());  // the new device's handler
}

// NUT #2742, #2925, #1983 (docs/field-failures.md #4): after a power event the UPS comes back
// under another device number and answers every transfer with an error for a while.
TEST_P(DriverLab, RecoversFromANewAddressAndTransferErrorsWithoutRestarting) {
  ASSERT_TRUE(eventually_published("battery.charge", "100"));
  const int old_number = lab_->device_number(ups_);
  lab_->unplug(ups_);
  ASSERT_TRUE(socket_->wait_for([](const std::string& line) { return line == "DATASTALE"; },
                                kPatience));
  lab_->ups(ups_).put_feature({0x0c, 0x4b, 0x64, 0x03});
  lab_->ups(ups_).fail_class_requests_for(std::chrono::seconds(3), EPROTO);
  lab_->replug(ups_);
  EXPECT_NE(lab_->device_number(ups_), old_number);
  // The backoff is at most 8 s between attempts here (pollinterval=1).
  EXPECT_TRUE(socket_->wait_for([](const std::string& line) { return line == "DATAOK"; },
                                std::chrono::seconds(60)))
      << "the driver never came back";
  EXPECT_TRUE(eventually_published("battery.charge", "75"));
  EXPECT_TRUE(driver_->running()) << "the driver exited instead of reconnecting";
  EXPECT_GT(lab_->ups(ups_).failed_requests(), 0) << "the driver never met the errors";
  EXPECT_NE(log().find("failed in the init walk"), std::string::npos);
  EXPECT_NE(log().find("communications with UPS re-established"), std::string::npos);
}

// NUT #2644, #2805 (docs/field-failures.md #1): the APC BX...MI controller stops sending
// interrupt reports while GET_REPORT still answers, then mains drops. walnut's default (no
// interrupt_pipe_no_events_tolerance) publishes the OB that GET_REPORT shows, finds the pipe
// still silent on the re-read, and reopens the device.
TEST_P(DriverLab, ASilentInterruptPipeDuringAPowerCutIsSeenAndTheDeviceReopened) {
  ASSERT_TRUE(eventually_published("ups.status", "OL"));
  ASSERT_NO_FATAL_FAILURE(cut_mains_with_a_silent_pipe());
  EXPECT_TRUE(socket_->wait_for([](const std::string& line) { return line == "DATASTALE"; },
                                kPatience))
      << "the driver never gave up on the silent pipe";
  EXPECT_TRUE(socket_->wait_for([](const std::string& line) { return line == "DATAOK"; },
                                kPatience))
      << "the driver never came back";
  EXPECT_TRUE(eventually_published("ups.status", "OB DISCHRG"));
  EXPECT_NE(log().find("Interrupt pipe still silent"), std::string::npos);
  EXPECT_NE(log().find("communications with UPS re-established"), std::string::npos);
  EXPECT_TRUE(driver_->running());
}

// Stock NUT 2.8.0's usbhid-ups on the same scenario, for docs/field-failures.md row 1: what
// it does when its interrupt pipe is silent through a power cut (libusb only; 8 s watched).
class StockDriverLab : public DriverLab {
 protected:
  std::string driver_binary() const override { return "/lib/nut/usbhid-ups"; }
  std::string pollinterval_flag() const override { return "-i"; }
  std::string pollinterval_value() const override { return "1"; }
  void SetUp() override {
    if (::access("/lib/nut/usbhid-ups", X_OK) != 0) GTEST_SKIP() << "stock NUT not installed";
    DriverLab::SetUp();
  }
};

TEST_P(StockDriverLab, ASilentInterruptPipeDuringAPowerCutIsPublishedButNeverReopened) {
  ASSERT_TRUE(eventually_published("ups.status", "OL"));
  ASSERT_NO_FATAL_FAILURE(cut_mains_with_a_silent_pipe());
  std::vector<std::string> lines;
  socket_->wait_for([&](const std::string& line) {
    lines.push_back(line);
    return false;
  }, std::chrono::seconds(8));
  const bool ob = eventually_published("ups.status", "OB DISCHRG");
  bool stale = false;
  for (const auto& line : lines) stale = stale || line == "DATASTALE";
  // Its quick poll GETs ACPresent, so the cut is seen; the pipe is never judged or reopened.
  EXPECT_TRUE(ob);
  EXPECT_FALSE(stale);
  EXPECT_TRUE(driver_->running());
}

// Stock on the same slow bus, for docs/field-failures.md row 3: its one loop answers PING only
// between walks, and a walk of slow GET_REPORTs (5 s for each unanswered one) is longer than
// upsd's PING interval. Printed for the doc; asserted only that the scenario ran.
TEST_P(StockDriverLab, OnASlowBusAnswersPingOnlyBetweenWalks) {
  ASSERT_TRUE(eventually_published("ups.load", "34"));
  lab_->ups(ups_).set_slow_bus(SlowBus{std::chrono::milliseconds(250), 10});
  const SlowRun run = watch_slow_bus(std::chrono::seconds(30));
  EXPECT_GT(lab_->ups(ups_).unanswered_requests(), 0);
  EXPECT_TRUE(driver_->running());
  std::cout << "stock on a slow bus, 30 s: " << run.transitions << " DATASTALE/DATAOK, "
            << run.pongs_in_time << " of " << run.pings << " PINGs answered within 1 s, slowest "
            << run.longest_wait.count() << " ms" << std::endl;
  RecordProperty("longest_wait_ms", static_cast<int>(run.longest_wait.count()));
  RecordProperty("transitions", run.transitions);
  RecordProperty("pings", run.pings);
  RecordProperty("pongs_in_time", run.pongs_in_time);
}

INSTANTIATE_TEST_SUITE_P(Stock, StockDriverLab, ::testing::Values("auto"));

// NUT #602, #2666, #2721 (docs/field-failures.md #5): a second ups.conf section for the same
// UPS while the first one's driver runs. Its claim fails with EBUSY, and the error names the
// holder: the first driver's PID, command and section. (libusb only: hidraw has no claim.)
TEST_P(DriverLab, ABusyDeviceErrorNamesTheDriverThatHoldsIt) {
  if (GetParam() != "auto") GTEST_SKIP() << "hidraw has no exclusive claim";
  ASSERT_TRUE(eventually_published("battery.charge", "100"));
  lab_->usbfs(ups_).set_exclusive_claims(true);
  const std::string second_log = state_dir_ + "/second.log";
  const std::string user = ::geteuid() == 0 ? "root" : std::to_string(::geteuid());
  ChildProcess second({driver_binary(), "-s", "second", "-x", "port=auto", "-x", "vendorid=051d",
                       "-x", "productid=0002", "-x", std::string("serial=") + kSerial, "-u", user,
                       "-d", "1"},
                      environment_, second_log);
  ASSERT_GT(second.pid(), 0);
  const auto status = second.wait(kPatience);
  ASSERT_TRUE(status.has_value()) << "the second driver neither claimed nor gave up";
  EXPECT_FALSE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  std::ifstream file(second_log);
  std::stringstream text;
  text << file.rdbuf();
  const std::string expected = "held by PID " + std::to_string(driver_->pid()) +
                               " (usbhid-ups, ups.conf section [lab])";
  EXPECT_NE(text.str().find("LIBUSB_ERROR_BUSY"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(expected), std::string::npos) << text.str();
  EXPECT_TRUE(driver_->running()) << "the holder was disturbed";
}

// NUT #661, #3576, #1853 (docs/field-failures.md #3): transient I/O errors on single reports
// (firmware bugs, a busy bus) are skipped, as NUT 2.8.5 does; they never make the data stale.
TEST_P(DriverLab, TransientIoErrorsNeverFlapTheData) {
  ASSERT_TRUE(eventually_published("battery.charge", "100"));
  std::vector<std::string> lines;
  for (int round = 0; round < 6; ++round) {  // one failed GET_REPORT every poll for 6 s
    lab_->ups(ups_).fail_class_requests(1, EPROTO);
    socket_->wait_for([&](const std::string& line) {
      lines.push_back(line);
      return false;
    }, std::chrono::seconds(1));
  }
  EXPECT_GE(lab_->ups(ups_).failed_requests(), 5);
  EXPECT_TRUE(driver_->running());
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "DATASTALE"), 0);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "DATAOK"), 0);
  EXPECT_EQ(log().find("going stale"), std::string::npos);
}

// NUT #661, #3576, #1853 (docs/field-failures.md #3): a slow or busy bus, every GET_REPORT
// answered 250 ms late and every 10th never (libusb: the driver's 5 s timeout cancels it;
// hidraw: ETIMEDOUT after 1.5 s), for 30 s. At most one stale/OK transition per 30 s (walnut:
// none), every PING answered within a second, and data still arrives.
TEST_P(DriverLab, ASlowBusGivesAtMostOneStaleTransitionPerThirtySeconds) {
  ASSERT_TRUE(eventually_published("ups.load", "34"));
  lab_->ups(ups_).set_slow_bus(SlowBus{std::chrono::milliseconds(250), 10});
  lab_->ups(ups_).put_feature({0x50, 0x2d});  // ups.load 45
  const SlowRun run = watch_slow_bus(std::chrono::seconds(30));
  EXPECT_GT(lab_->ups(ups_).unanswered_requests(), 0) << "the bus never timed a request out";
  EXPECT_LE(run.transitions, 1) << testing::PrintToString(run.log);
  EXPECT_GE(run.pings, 25);
  EXPECT_EQ(run.pongs_in_time, run.pings) << "the socket waited for USB, up to "
                                           << run.longest_wait.count() << " ms";
  EXPECT_TRUE(eventually_published("ups.load", "45")) << "no data through the slow bus";
  EXPECT_TRUE(driver_->running());
  EXPECT_EQ(log().find("going stale"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Port, DriverLab, ::testing::Values("auto", "hidraw"),
                         [](const auto& info) { return info.param == "auto" ? "libusb" : "hidraw"; });

}  // namespace
}  // namespace walnut::devicelab
