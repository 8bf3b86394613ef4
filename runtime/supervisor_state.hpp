#pragma once

// The supervisor's state, shared by its two files: runtime/supervisor.cpp
// (start, stop, restart) and runtime/supervisor_tree.cpp (the tree it
// reports). Private to them.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "runtime/supervision_policy.hpp"
#include "runtime/supervisor.hpp"

namespace lunch::supervision_detail {

// Private messages: a backoff delay has passed; a stopping child is late.
using sup_restart_atom = caf::atom_constant<caf::atom("sup_rst")>;
using sup_kill_atom = caf::atom_constant<caf::atom("sup_kill")>;

using supervisor_impl = supervisor_actor::extend<
  caf::reacts_to<sup_restart_atom, uint64_t>,
  caf::reacts_to<sup_kill_atom, uint64_t>,
  caf::replies_to<sup_add_atom, int32_t>::with<bool>,
  caf::replies_to<sup_remove_atom, std::string>::with<bool>>;

enum class status {
  running,    // alive
  stopping,   // asked to stop (or queued to be), not down yet
  restarting, // down, a restart is planned
  stopped,    // down for good (or never started)
};

inline const char* to_string(status x) {
  switch (x) {
    case status::running:
      return "running";
    case status::stopping:
      return "stopping";
    case status::restarting:
      return "restarting";
    case status::stopped:
      return "stopped";
  }
  return "?";
}

inline const char* to_string(child_kind x) {
  switch (x) {
    case child_kind::worker:
      return "worker";
    case child_kind::supervisor:
      return "supervisor";
    case child_kind::entities:
      return "entities";
  }
  return "?";
}

struct child {
  child(child_spec s, supervision::backoff b)
      : spec(std::move(s)), backoff(std::move(b)) {
    // nop
  }

  child_spec spec;
  supervision::backoff backoff;
  caf::actor handle;
  status state = status::restarting;
  uint64_t generation = 0; // incremented on every start
  int64_t restarts = 0;
  int64_t escalations = 0; // times it quit with errc::gave_up
  bool removed = false;    // a temporary child that stopped, or removed
  bool removing = false;   // sup_remove asked for it: never restart
  std::vector<caf::typed_response_promise<bool>> removal_waiters;
  std::string last_exit;
};

// Children that stop together and start again, in index order, once all
// of them are down and the backoff delay has passed.
struct pending_restart {
  uint64_t timer = 0; // only the latest timer counts
  std::set<size_t> members;
  bool due = false;
};

// The live children, shared with the functor that stops them if the
// supervisor itself dies (children are monitored, not linked, so that a
// child's death never reaches the supervisor as an exit message).
using live_children = std::shared_ptr<std::vector<caf::actor>>;

struct supervisor_state {
  supervisor_spec spec;
  live_children live = std::make_shared<std::vector<caf::actor>>();
  std::vector<child> children;
  std::optional<supervision::restart_window> window;
  std::vector<pending_restart> pending;
  std::deque<size_t> stop_queue; // stopped one at a time, in this order
  std::optional<size_t> stopping;
  bool shutting_down = false;
  caf::error exit_reason;
  uint64_t next_timer = 1;
  static inline const char* name = "lunch.supervisor";
};

using self_ptr = supervisor_impl::stateful_pointer<supervisor_state>;

/// The live subtree below this supervisor, itself first.
caf::typed_response_promise<std::vector<tree_line>> tree(self_ptr self);

} // namespace lunch::supervision_detail
