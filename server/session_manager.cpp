// Session set.
#include "server/session_manager.h"

#include <algorithm>

#include "server/session.h"

namespace walnut::server {
namespace {

constexpr std::size_t kReadBufferSize = 64 * 1024;

}  // namespace

SessionManager::SessionManager(NetContext& context, Stats& stats)
    : context_(context), stats_(stats), read_buffer_(kReadBufferSize) {
  context_.for_each_client = [this](const std::function<void(const ClientState&)>& visit) {
    for_each_client(visit);
  };
}

void SessionManager::start(asio::ip::tcp::socket socket) {
  auto session = std::make_shared<Session>(std::move(socket), *this, next_serial_++);
  idle_order_.push_back(session);
  session->idle_position = std::prev(idle_order_.end());
  ++stats_.clients_accepted;
  stats_.clients_connected = idle_order_.size();
  session->start();
}

void SessionManager::stop(const std::shared_ptr<Session>& session) {
  if (session->idle_position == idle_order_.end()) return;
  session->stop();
  idle_order_.erase(session->idle_position);
  session->idle_position = idle_order_.end();
  stats_.clients_connected = idle_order_.size();
  if (on_session_closed) on_session_closed();
}

void SessionManager::stop_all() {
  while (!idle_order_.empty()) stop(idle_order_.front());
}

void SessionManager::touch(Session& session) {
  idle_order_.splice(idle_order_.end(), idle_order_, session.idle_position);
}

void SessionManager::close_idle(std::chrono::seconds idle_limit) {
  const auto now = Session::Clock::now();
  while (!idle_order_.empty() && now - idle_order_.front()->last_heard() > idle_limit) {
    stop(idle_order_.front());
  }
}

void SessionManager::kick_logins(std::string_view ups_name) {
  std::vector<std::shared_ptr<Session>> kicked;
  for (const auto& session : idle_order_) {
    const auto& login = session->client().login_ups;
    if (login && equals_ignoring_case(*login, ups_name)) kicked.push_back(session);
  }
  for (const auto& session : kicked) stop(session);
}

void SessionManager::for_each_client(const std::function<void(const ClientState&)>& visit) const {
  std::vector<const Session*> sessions;
  for (const auto& session : idle_order_) {
    if (session->client().login_ups) sessions.push_back(session.get());
  }
  std::sort(sessions.begin(), sessions.end(),
            [](const Session* a, const Session* b) { return a->serial() > b->serial(); });
  for (const Session* session : sessions) visit(session->client());
}

}  // namespace walnut::server
