// The CAF-free supervision decisions: restart types, groups, the intensity
// window and backoff bounds.

#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "runtime/supervision_policy.hpp"

using namespace lunch::supervision;
using namespace std::chrono_literals;

TEST_CASE("restart types follow OTP", "[supervision]") {
  CHECK(should_restart(restart::permanent, false));
  CHECK(should_restart(restart::permanent, true));
  CHECK_FALSE(should_restart(restart::transient, false));
  CHECK(should_restart(restart::transient, true));
  CHECK_FALSE(should_restart(restart::temporary, false));
  CHECK_FALSE(should_restart(restart::temporary, true));
}

TEST_CASE("restart groups per strategy", "[supervision]") {
  using v = std::vector<size_t>;
  CHECK(restart_group(strategy::one_for_one, 1, 4) == v{1});
  CHECK(restart_group(strategy::one_for_all, 1, 4) == v{0, 1, 2, 3});
  CHECK(restart_group(strategy::rest_for_one, 1, 4) == v{1, 2, 3});
  CHECK(restart_group(strategy::rest_for_one, 3, 4) == v{3});
}

TEST_CASE("the intensity window allows max_restarts within the period",
          "[supervision]") {
  restart_window w{intensity{3, 1000ms}};
  auto t0 = clock::time_point{} + 1h;
  CHECK(w.record(t0));
  CHECK(w.record(t0 + 100ms));
  CHECK(w.record(t0 + 200ms));
  CHECK_FALSE(w.record(t0 + 300ms)); // fourth within 1 s
  // Old restarts leave the window.
  restart_window v{intensity{3, 1000ms}};
  CHECK(v.record(t0));
  CHECK(v.record(t0 + 100ms));
  CHECK(v.record(t0 + 200ms));
  CHECK(v.record(t0 + 1000ms)); // t0 has expired
  CHECK(v.count(t0 + 1000ms) == 3);
  CHECK(v.count(t0 + 5000ms) == 0);
}

TEST_CASE("OTP's default intensity gives up on the second restart in 5 s",
          "[supervision]") {
  restart_window w{intensity{}};
  auto t0 = clock::time_point{} + 1h;
  CHECK(w.record(t0));
  CHECK_FALSE(w.record(t0 + 4999ms));
}

TEST_CASE("backoff: immediate first restart, then exponential, capped",
          "[supervision]") {
  backoff b{backoff_policy{10ms, 100ms, 2.0, 0.0, 1000ms}, 7};
  auto t = clock::time_point{} + 1h;
  CHECK(b.next(t) == 0ms);
  CHECK(b.next(t += 1ms) == 10ms);
  CHECK(b.next(t += 1ms) == 20ms);
  CHECK(b.next(t += 1ms) == 40ms);
  CHECK(b.next(t += 1ms) == 80ms);
  CHECK(b.next(t += 1ms) == 100ms);
  CHECK(b.next(t += 1ms) == 100ms);
  CHECK(b.streak() == 7);
  // A quiet period resets the streak.
  CHECK(b.next(t += 1000ms) == 0ms);
  CHECK(b.next(t += 1ms) == 10ms);
}

TEST_CASE("backoff jitter stays within its bounds and never exceeds max",
          "[supervision]") {
  backoff_policy p{100ms, 1000ms, 2.0, 0.25, 60000ms};
  backoff b{p, 42};
  auto t = clock::time_point{} + 1h;
  b.next(t);
  bool varied = false;
  millis first{-1};
  for (int n = 0; n < 200; ++n) {
    auto d = b.next(t += 1ms);
    auto expected = std::min(100.0 * std::pow(2.0, std::min(n, 10)), 1000.0);
    CHECK(d.count() >= static_cast<int64_t>(expected * 0.75) - 1);
    CHECK(d.count() <= std::min<int64_t>(
            static_cast<int64_t>(expected * 1.25) + 1, 1000));
    if (n >= 5) {
      if (first.count() < 0)
        first = d;
      else if (d != first)
        varied = true;
    }
  }
  CHECK(varied); // capped delays still jitter (downwards)
}

TEST_CASE("backoff with the same seed is reproducible", "[supervision]") {
  backoff_policy p{10ms, 5000ms, 2.0, 0.5, 60000ms};
  backoff a{p, 9}, b{p, 9};
  auto t = clock::time_point{} + 1h;
  for (int n = 0; n < 10; ++n) {
    t += 1ms;
    CHECK(a.next(t) == b.next(t));
  }
}
