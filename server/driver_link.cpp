// Driver socket link.
#include "server/driver_link.h"

#include "common/driver_protocol.h"
#include "common/log.h"

namespace walnut::server {
namespace {

// Stock logs a failed connect at most every 300 s (SS_CONNFAIL_INT).
constexpr auto kComplaintInterval = std::chrono::seconds(300);

long whole_seconds(DriverLink::Clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

DriverLink::DriverLink(asio::io_context& io, Ups& ups, std::string socket_path,
                       TrackingTable& tracking, Stats& stats)
    : socket_(io), ups_(ups), socket_path_(std::move(socket_path)), tracking_(tracking),
      stats_(stats) {}

void DriverLink::stop() {
  stopped_ = true;
  asio::error_code ignored;
  socket_.close(ignored);
  ups_.send_to_driver = nullptr;
}

void DriverLink::tick(int maxage) {
  if (stopped_) return;
  maxage_ = maxage;
  if (!connected_) {
    if (!connecting_) connect();
    return;
  }
  const auto now = Clock::now();
  ping_if_quiet(now);
  if (!connected_) return;  // the PING failed: disconnect() already told the clients
  ups_.fresh_until = last_heard_ + freshness();
  update_stale(now);
}

// Stock 2.8.0's sstate_dead(): DATASTALE after the dump, or silence beyond MAXAGE (whole
// seconds: more than MAXAGE means MAXAGE + 1 s).
DriverLink::Clock::duration DriverLink::freshness() const {
  return std::chrono::seconds(maxage_ + 1);
}

// A PING goes out once a third of MAXAGE passed without hearing from the driver.
void DriverLink::ping_if_quiet(Clock::time_point now) {
  if (whole_seconds(now - last_heard_) > maxage_ / 3 &&
      whole_seconds(now - last_ping_) > maxage_ / 3) {
    last_ping_ = now;
    send("PING\n");
  }
}

// Recomputes the flag the moment something changes it (DATASTALE, DATAOK, the tick's
// silence check), and logs each transition once as stock does.
void DriverLink::update_stale(Clock::time_point now) {
  ups_.stale = dump_done_ && !ups_.variables.data_ok();
  const bool is_stale = ups_.data_stale(now);
  if (is_stale && !reported_stale_) {
    log::warning("Data for UPS [{}] is stale - check driver", ups_.name);
  } else if (!is_stale && reported_stale_) {
    log::notice("UPS [{}] data is no longer stale", ups_.name);
  }
  reported_stale_ = is_stale;
  ups_.stale = is_stale;
}

void DriverLink::connect() {
  connecting_ = true;
  auto self = shared_from_this();
  socket_ = asio::local::stream_protocol::socket(socket_.get_executor());
  socket_.async_connect(asio::local::stream_protocol::endpoint(socket_path_),
                        [this, self](const asio::error_code& error) {
                          connecting_ = false;
                          if (stopped_) return;
                          if (!error) return on_connected();
                          const auto now = Clock::now();
                          if (last_complaint_ == Clock::time_point{} ||
                              now - last_complaint_ >= kComplaintInterval) {
                            last_complaint_ = now;
                            log::error("Can't connect to UPS [{}] ({}): {}", ups_.name,
                                       socket_path_, error.message());
                          }
                        });
}

void DriverLink::on_connected() {
  asio::error_code ignored;
  socket_.non_blocking(true, ignored);
  connected_ = true;
  if (ever_connected_) ++stats_.driver_reconnects;
  ever_connected_ = true;
  last_complaint_ = {};
  tokenizer_.reset();
  dump_done_ = false;
  last_heard_ = Clock::now();
  last_ping_ = last_heard_;
  ups_.variables.clear();
  ups_.driver_connected = true;
  ups_.stale = false;
  reported_stale_ = false;
  ups_.fresh_until = last_heard_ + freshness();
  ups_.send_to_driver = [this](std::string_view line) { return send(line); };
  if (!send("DUMPALL\n")) return;
  // Clients see WAIT until the dump arrives, as with stock upsd.
  ups_.variables.set_info("ups.status", "WAIT");
  log::info("Connected to UPS [{}]: {}", ups_.name, socket_path_);
  read();
}

void DriverLink::read() {
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(buffer_),
                          [this, self](const asio::error_code& error, std::size_t count) {
                            if (stopped_ || !connected_) return;
                            if (error) return disconnect(error.message());
                            on_bytes(count);
                            if (connected_) read();
                          });
}

void DriverLink::on_bytes(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto event = tokenizer_.feed(buffer_[i]);
    if (event == LineTokenizer::Event::kError) {
      log::notice("Parse error on sock: {}", tokenizer_.error());
      continue;
    }
    if (event != LineTokenizer::Event::kLine) continue;
    apply_line(tokenizer_.words());
  }
}

// Unrecognized lines (and PID / OK Goodbye) do not count as hearing from the driver, as stock.
void DriverLink::apply_line(const std::vector<std::string>& words) {
  auto message = driver_protocol::parse_driver_message(words);
  if (!message) return;
  if (std::holds_alternative<driver_protocol::Pid>(*message) ||
      std::holds_alternative<driver_protocol::Goodbye>(*message)) {
    return;
  }
  last_heard_ = Clock::now();
  ups_.fresh_until = last_heard_ + freshness();
  if (std::holds_alternative<driver_protocol::DumpDone>(*message)) dump_done_ = true;
  if (const auto* result = std::get_if<driver_protocol::TrackingResult>(&*message)) {
    tracking_.set(result->id, result->status);
  }
  driver_protocol::apply(*message, ups_.variables);
  // DATASTALE / DATAOK (and the dump completing) take effect for the very next request.
  update_stale(last_heard_);
}

// Writes the whole line now or fails, as stock's sstate_sendline(); a failure drops the link.
bool DriverLink::send(std::string_view line) {
  if (!connected_) return false;
  asio::error_code error;
  const std::size_t written = asio::write(socket_, asio::buffer(line), error);
  if (error || written != line.size()) {
    disconnect(error ? error.message() : "short write");
    return false;
  }
  return true;
}

// Stock frees the UPS's data on loss: clients get DRIVER-NOT-CONNECTED until it is back.
void DriverLink::disconnect(std::string_view why) {
  if (!connected_) return;
  log::warning("Lost connection to UPS [{}] ({}): {}", ups_.name, socket_path_, why);
  connected_ = false;
  asio::error_code ignored;
  socket_.close(ignored);
  ups_.variables.clear();
  ups_.driver_connected = false;
  ups_.stale = false;
  reported_stale_ = false;
  ups_.fresh_until = Clock::time_point::max();
  ups_.send_to_driver = nullptr;
}

}  // namespace walnut::server
