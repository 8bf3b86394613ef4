#include "runtime/db/standby_pool.hpp"

#include <algorithm>

#include "runtime/db/connection.hpp"

namespace lunch::db {

standby_pool::standby_pool(std::vector<std::string> dsns, warm_up_fn warm_up)
    : dsns_(std::move(dsns)),
      warm_up_(std::move(warm_up)),
      ready_(dsns_.size()),
      retry_at_(dsns_.size(), clock::time_point{}) {
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
    retry_at_[i] = clock::now() + replace_after;
  }
  wake_.notify_all(); // schedule its replacement
  return conn;
}

size_t standby_pool::ready() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return static_cast<size_t>(std::count_if(
    ready_.begin(), ready_.end(), [](auto& c) { return c != nullptr; }));
}

// Opens what is missing, one connection at a time, outside the lock; then
// sleeps until a connection is taken, a retry is due, or the pool stops.
void standby_pool::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  while (!stopping_) {
    auto now = clock::now();
    auto next_retry = clock::time_point::max();
    size_t missing = ready_.size();
    for (size_t i = 0; i < ready_.size(); ++i) {
      if (ready_[i])
        continue;
      if (retry_at_[i] <= now) {
        missing = i;
        break;
      }
      next_retry = std::min(next_retry, retry_at_[i]);
    }
    if (missing == ready_.size()) {
      if (next_retry == clock::time_point::max())
        wake_.wait(lock);
      else
        wake_.wait_until(lock, next_retry);
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
      ready_[missing] = std::move(conn);
    else
      retry_at_[missing] = clock::now() + std::chrono::seconds(1);
  }
  // Closed here, on this thread, not in a caller's.
  for (auto& c : ready_)
    c.reset();
}

} // namespace lunch::db
