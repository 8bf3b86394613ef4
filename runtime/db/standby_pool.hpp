#pragma once

// One open, idle connection per shard database, kept ready on every node,
// so that an owner that starts (a takeover, a restart) has its connection
// at once instead of waiting for PostgreSQL to start a backend: ~16 ms on
// an idle 2-core machine, 25-77 ms under a failover's load, the largest
// part of a crash failover. A thread of its own (never a scheduler thread)
// opens them, warms each up (a first query in a fresh backend loads the
// catalog entries it touches: ~2 ms idle, tens of ms under load) and
// replaces each one taken; one that fails to open is tried again a second
// later. The cost: one idle backend per shard per node, or per shard the
// caller says it wants (keep): every backend of a killed node exits at
// once, ~11 ms of PostgreSQL's CPU each on a 2-core VM (measured), in the
// middle of the takeover.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/connection>

namespace lunch::db {

class standby_pool {
public:
  /// Runs on each new connection before it counts as ready: a first query
  /// in a fresh backend pays for loading the catalog entries it touches.
  using warm_up_fn = std::function<void(pqxx::connection&)>;

  /// Starts opening one connection to each DSN (shard i: dsns[i]).
  explicit standby_pool(std::vector<std::string> dsns, warm_up_fn warm_up = {});

  /// Stops the thread and closes the connections.
  ~standby_pool();

  standby_pool(const standby_pool&) = delete;
  standby_pool& operator=(const standby_pool&) = delete;

  /// A taken connection is replaced this long after: a takeover's CPU
  /// goes to the takeover, not to a new PostgreSQL backend beside it.
  static constexpr std::chrono::milliseconds replace_after{500};

  /// The ready connection to shard `shard`'s database (the caller's from
  /// now on, and replaced after `replace_after`), or null if none is
  /// ready. It may have broken while it waited: the caller falls back to a
  /// new one.
  std::unique_ptr<pqxx::connection> take(int32_t shard);

  /// Keeps standbys only for the shards marked (all, until first called).
  /// A change takes effect after `replace_after`, like a replacement: a
  /// failover changes what is wanted while its CPU is scarce.
  void keep(std::vector<bool> wanted);

  /// How many connections are ready now (for tests).
  size_t ready() const;

private:
  using clock = std::chrono::steady_clock;

  void run();

  std::vector<std::string> dsns_;
  warm_up_fn warm_up_;
  mutable std::mutex mtx_;
  std::condition_variable wake_;
  std::vector<std::unique_ptr<pqxx::connection>> ready_;
  std::vector<bool> wanted_;
  std::vector<clock::time_point> due_at_; // no open or close before this
  bool stopping_ = false;
  std::thread worker_;
};

} // namespace lunch::db
