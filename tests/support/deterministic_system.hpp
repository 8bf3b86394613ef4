#pragma once

// An actor system on CAF's deterministic test coordinator: nothing runs
// until the test says so (sched.run()), and time only moves when the test
// moves it (sched.advance_time). No sleeps, no threads racing.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "runtime/log.hpp"

namespace lunch::testing {

struct deterministic_config : caf::actor_system_config {
  deterministic_config() {
    set("scheduler.policy", caf::atom("testing"));
  }
};

struct deterministic_system {
  deterministic_system()
      : sys(cfg),
        sched(
          dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
    log::init("test", "off");
  }

  /// Runs every message and every timer due within `t` of simulated time.
  void run_for(caf::timespan t) {
    sched.run();
    sched.advance_time(t);
    sched.run();
  }

  deterministic_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
};

} // namespace lunch::testing
