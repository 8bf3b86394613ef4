#include "runtime/db/standby_pool.hpp"

#include <algorithm>

#include "runtime/db/connection.hpp"

namespace lunch::db {

standby_pool::standby_pool(std::vector<std::string> dsns, warm_up_fn warm_up)
    : dsns_(std::move(dsns)),
      warm_up_(std::move(warm_up)),
      ready_(dsns_.size()),
      wanted_(dsns_.size(), true),
      due_at_(dsns_.size(), clock::time_point{}) {
  worker_ = std::thread([this] { run(); });
}

standby_pool::~standby_pool() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

std::unique_ptr<pqxx::connection> standby_pool::take(int32_t shard) {
  std::unique_ptr<pqxx::connection> conn;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (shard < 0 || static_cast<size_t>(shard) >= ready_.size())
      return nullptr;
    auto i = static_cast<size_t>(shard);
    conn = std::move(ready_[i]);
    due_at_[i] = clock::now() + replace_after;
  }
  wake_.notify_all(); // schedule its replacement
  return conn;
}

void standby_pool::keep(std::vector<bool> wanted) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    wanted.resize(wanted_.size(), false);
    auto later = clock::now() + replace_after;
    for (size_t i = 0; i < wanted_.size(); ++i)
      if (wanted_[i] != wanted[i])
        due_at_[i] = std::max(due_at_[i], later);
    wanted_ = std::move(wanted);
  }
  wake_.notify_all();
}

size_t standby_pool::ready() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return static_cast<size_t>(std::count_if(
    ready_.begin(), ready_.end(), [](auto& c) { return c != nullptr; }));
}

// Opens what is missing and closes what is no longer wanted, one at a
// time, outside the lock; then sleeps until a connection is taken, the
// wanted shards change, a change is due, or the pool stops.
void standby_pool::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    auto now = clock::now();
    auto next_due = clock::time_point::max();
    size_t missing = ready_.size();
    std::unique_ptr<pqxx::connection> unwanted;
    for (size_t i = 0; i < ready_.size(); ++i) {
      if ((ready_[i] != nullptr) == wanted_[i])
        continue;
      if (due_at_[i] > now) {
        next_due = std::min(next_due, due_at_[i]);
        continue;
      }
      if (ready_[i]) {
        unwanted = std::move(ready_[i]);
        break;
      }
      missing = i;
      break;
    }
    if (unwanted) {
      lock.unlock();
      unwanted.reset();
      lock.lock();
      continue;
    }
    if (missing == ready_.size()) {
      if (next_due == clock::time_point::max())
        wake_.wait(lock);
      else
        wake_.wait_until(lock, next_due);
      continue;
    }
    auto dsn = dsns_[missing];
    lock.unlock();
    std::unique_ptr<pqxx::connection> conn;
    try {
      conn = open_connection(dsn);
      if (warm_up_)
        warm_up_(*conn);
    } catch (const std::exception&) {
      conn.reset();
      // Down or unreachable: owners open their own and report it.
    }
    lock.lock();
    if (conn)
      ready_[missing] = std::move(conn); // closed next round if unwanted now
    else
      due_at_[missing] = clock::now() + std::chrono::seconds(1);
  }
  // Closed here, on this thread, not in a caller's.
  for (auto& c : ready_)
    c.reset();
}

} // namespace lunch::db
