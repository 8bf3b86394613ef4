#pragma once

// The decisions of a supervisor, free of CAF so they can be tested alone:
// which children a failure takes down (strategy), whether a stopped child
// comes back (restart type), when the supervisor gives up (intensity) and
// how long it waits before a restart (backoff).

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace lunch::supervision {

using clock = std::chrono::steady_clock;
using millis = std::chrono::milliseconds;

/// Which children are restarted when one of them fails (Erlang/OTP).
enum class strategy {
  one_for_one,  ///< only the failed child
  one_for_all,  ///< every child
  rest_for_one, ///< the failed child and every child started after it
};

/// Whether a child that stopped is started again (Erlang/OTP).
enum class restart {
  permanent, ///< always
  transient, ///< only after an abnormal stop
  temporary, ///< never; it is removed
};

std::string to_string(strategy x);
std::string to_string(restart x);

/// True when a child of this restart type that stopped (normally or not)
/// must be started again.
bool should_restart(restart type, bool abnormal);

/// The children, by index in start order, that stop and restart together
/// when child `failed` of `count` fails.
std::vector<size_t> restart_group(strategy s, size_t failed, size_t count);

/// At most `max_restarts` restarts within `period`; one more and the
/// supervisor gives up. OTP's default is 1 in 5 s.
struct intensity {
  int max_restarts = 1;
  millis period{5000};
};

/// Sliding window of restart times for one supervisor.
class restart_window {
public:
  explicit restart_window(intensity limit) : limit_(limit) {
    // nop
  }

  /// Records a restart at `now`. Returns false when it is one too many:
  /// the supervisor must give up instead of restarting.
  bool record(clock::time_point now);

  /// Restarts counted in the window that ends at `now`.
  size_t count(clock::time_point now);

  const intensity& limit() const {
    return limit_;
  }

private:
  void expire(clock::time_point now);

  intensity limit_;
  std::deque<clock::time_point> stamps_;
};

/// Exponential backoff with jitter between the restarts of one child.
struct backoff_policy {
  millis min{10};            ///< delay of the second restart in a row
  millis max{1000};          ///< no delay is longer
  double factor = 2.0;       ///< growth per further restart in a row
  double jitter = 0.2;       ///< each delay is scaled by 1 ± jitter
  millis reset_after{10000}; ///< this long without a failure: start over
};

/// The delays of one child's restarts. The first failure after a quiet
/// period restarts at once (a one-off crash costs no waiting); the n-th
/// failure in a row waits min·factor^(n-2), capped at max, with jitter.
/// The intensity window still counts every restart, so backoff slows a
/// crash loop down and the window ends it.
class backoff {
public:
  backoff(backoff_policy policy, uint64_t seed) : policy_(policy), rng_(seed) {
    // nop
  }

  /// The delay before restarting after a failure at `now`.
  millis next(clock::time_point now);

  /// Failures in the current streak (0 before the first one).
  int streak() const {
    return streak_;
  }

  const backoff_policy& policy() const {
    return policy_;
  }

private:
  backoff_policy policy_;
  std::mt19937_64 rng_;
  int streak_ = 0;
  clock::time_point last_failure_;
};

} // namespace lunch::supervision
