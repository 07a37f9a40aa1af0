// Session set.
#include "server/session_manager.h"

#include <algorithm>

#include "common/log.h"
#include "server/client_prefix.h"
#include "server/local_peer.h"
#include "server/log_limiter.h"
#include "server/session.h"

namespace walnut::server {
namespace {

// The most a session reads per wake-up before the other ready sessions get their turn.
constexpr std::size_t kReadBufferSize = 4096;

}  // namespace

SessionManager::SessionManager(asio::io_context& io, NetContext& context, Stats& stats)
    : io_(io), context_(context), stats_(stats), poller_(io), read_buffer_(kReadBufferSize) {
  context_.for_each_client = [this](const std::function<void(const ClientState&)>& visit) {
    for_each_client(visit);
  };
}

void SessionManager::start(ClientSocket socket) {
  auto session = std::make_shared<Session>(std::move(socket), *this, next_serial_++);
  busy_.push_back(session);
  session->idle_position = std::prev(busy_.end());
  session->in_quiet_list = false;
  ++per_prefix_[session->prefix()];
  ++stats_.clients_accepted;
  stats_.clients_connected = size();
  session->start();
}

void SessionManager::stop(const std::shared_ptr<Session>& session) {
  if (session->stopped()) return;
  session->stop();
  if (session->accounted_output > 0) account_output(*session, 0);
  if (auto count = per_prefix_.find(session->prefix()); count != per_prefix_.end()) {
    if (--count->second == 0) per_prefix_.erase(count);
  }
  // May destroy what `session` refers to (callers pass list elements): nothing after uses it.
  (session->in_quiet_list ? quiet_ : busy_).erase(session->idle_position);
  stats_.clients_connected = size();
  if (on_session_closed) on_session_closed();
}

bool SessionManager::make_room_for(ClientSocket& newcomer) {
  if (per_prefix_.empty()) return false;
  const auto most = std::max_element(per_prefix_.begin(), per_prefix_.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  const std::string address = peer_address(newcomer);
  const std::string prefix = client_prefix(address);
  const auto held = per_prefix_.find(prefix);
  const std::size_t newcomer_holds = held == per_prefix_.end() ? 0 : held->second;
  bool trusted = false;
  if (newcomer_holds >= most->second) {
    // Its own address holds the most: only the local upsmon may still get in. Asked of the
    // kernel only here, when every slot is taken.
    const auto owner = local_peer_uid(newcomer.native_handle());
    trusted = owner && peer_can_read_secrets(*owner);
    if (!trusted) return false;
  }
  const std::string victim_prefix = most->first;
  // Quietest first: the quiet list, then the busy one, each oldest first.
  for (auto* list : {&quiet_, &busy_}) {
    for (const auto& session : *list) {
      if (session->prefix() != victim_prefix || session->client().login_ups ||
          session->trusted_local_peer()) {
        continue;
      }
      client_log(log::Priority::kNotice, session->client().address, "", "MAXCONN gave way",
                 "MAXCONN reached: closing a connection of {} (it holds the most, {}) for {}{}",
                 session->client().address, most->second, address,
                 trusted ? " (root or upsd's user on this host)" : "");
      stop(std::shared_ptr<Session>(session));  // a copy: stop() erases the list's own
      return true;
    }
  }
  return false;
}

void SessionManager::account_output(Session& session, std::size_t bytes) {
  output_held_ = output_held_ - session.accounted_output + bytes;
  session.accounted_output = bytes;
  if (bytes > 0) {
    output_holders_.insert(&session);
  } else {
    output_holders_.erase(&session);
  }
  // Dropping the largest holders first frees the most for the fewest clients lost.
  while (output_held_ > output_limit_ && !output_holders_.empty()) {
    Session* largest = *std::max_element(
        output_holders_.begin(), output_holders_.end(),
        [](const Session* a, const Session* b) { return a->accounted_output < b->accounted_output; });
    client_log(log::Priority::kWarning, largest->client().address, "", "client not reading",
               "Client {} does not read its replies ({} bytes held, {} for all clients past "
               "CLIENT_OUTPUT_LIMIT): disconnecting",
               largest->client().address, largest->accounted_output, output_held_);
    ++stats_.clients_dropped_slow;
    stop(largest->shared_from_this());
  }
}

void SessionManager::stop_all() {
  while (!busy_.empty()) stop(busy_.front());
  while (!quiet_.empty()) stop(quiet_.front());
  poller_.stop();
}

void SessionManager::touch(Session& session) {
  busy_.splice(busy_.end(), session.in_quiet_list ? quiet_ : busy_, session.idle_position);
  session.in_quiet_list = false;
}

void SessionManager::close_idle(std::chrono::seconds idle_limit) {
  const auto now = Session::Clock::now();
  for (auto* list : {&busy_, &quiet_}) {
    while (!list->empty() && now - list->front()->last_heard() > idle_limit) {
      stop(list->front());
    }
  }
}

void SessionManager::quiet_down(std::chrono::seconds quiet_after) {
  const auto now = Session::Clock::now();
  while (!busy_.empty() && now - busy_.front()->last_heard() > quiet_after) {
    auto session = busy_.front();
    session->go_quiet();
    quiet_.splice(quiet_.end(), busy_, session->idle_position);
    session->in_quiet_list = true;
  }
}

void SessionManager::kick_logins(std::string_view ups_name) {
  std::vector<std::shared_ptr<Session>> kicked;
  for (const auto* list : {&busy_, &quiet_}) {
    for (const auto& session : *list) {
      const auto& login = session->client().login_ups;
      if (login && equals_ignoring_case(*login, ups_name)) kicked.push_back(session);
    }
  }
  for (const auto& session : kicked) stop(session);
}

void SessionManager::for_each_client(const std::function<void(const ClientState&)>& visit) const {
  std::vector<const Session*> sessions;
  for (const auto* list : {&busy_, &quiet_}) {
    for (const auto& session : *list) {
      if (session->client().login_ups) sessions.push_back(session.get());
    }
  }
  std::sort(sessions.begin(), sessions.end(),
            [](const Session* a, const Session* b) { return a->serial() > b->serial(); });
  for (const Session* session : sessions) visit(session->client());
}

}  // namespace walnut::server
