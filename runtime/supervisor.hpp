#pragma once

// A generic supervisor for CAF 0.17, which has links and monitors but no
// supervisors. It starts its children in order and stops them in reverse
// order; it restarts them by strategy (one_for_one, one_for_all,
// rest_for_one) and restart type (permanent, transient, temporary), waits
// an exponential backoff with jitter between restarts, and gives up past
// its restart intensity: it stops its children and quits with
// errc::gave_up, which its own supervisor sees as a failed child
// (escalation). Every restart, escalation and give-up is one structured log
// line, and the counts show in the tree it answers to (sup_tree_atom).
//
// Children are stored type-erased (caf::actor): this is the one place in
// the code base that uses dynamically typed handles.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "messages/supervision_protocol.hpp"
#include "runtime/supervision_policy.hpp"

namespace lunch {

class actor_directory;

/// What a child is, for the tree: workers are leaves; supervisors and
/// entity regions answer sup_tree_atom with their own subtree.
enum class child_kind { worker, supervisor, entities };

struct child_spec {
  /// Unique in the node; the key in the actor directory.
  std::string name;
  supervision::restart restart = supervision::restart::permanent;
  child_kind kind = child_kind::worker;
  /// How long a stopping child may take before it is killed.
  supervision::millis shutdown{5000};
  /// Spawns the child (the supervisor links and monitors it). May throw or
  /// return an invalid handle: that counts as a failure of the child.
  std::function<caf::actor(caf::local_actor* supervisor)> start;
};

struct supervisor_spec {
  std::string name;
  supervision::strategy strategy = supervision::strategy::one_for_one;
  supervision::intensity intensity;
  supervision::backoff_policy backoff;
  std::vector<child_spec> children;
  /// Optional: every live child is listed here under its name.
  std::shared_ptr<actor_directory> directory;
  /// Optional: children added and removed at run time (sup_add_atom with
  /// a key, sup_remove_atom with a name), e.g. the shards this node owns.
  std::function<child_spec(int32_t key)> make_child;
  /// Optional: the keys to add at every (re)start of the supervisor, so a
  /// restarted supervisor brings back the dynamic children it had.
  std::function<std::vector<int32_t>()> initial_keys;
  uint64_t seed = 1;                                    // of the backoff jitter
  caf::timespan tree_timeout = std::chrono::seconds(2); // asking subtrees
};

/// True for an exit that is a failure: not normal, not a requested stop.
bool abnormal_exit(const caf::error& reason);

/// An exit reason as text for logs and the tree: our message, else CAF's.
std::string exit_text(const caf::error& reason);

/// Logs `supervisor.gave_up` and returns the reason a supervisor past its
/// intensity quits with: "<supervisor> gave up: <what> more than R times
/// within T ms (last: <last>)", e.g. what = "shard/2 failed".
caf::error give_up_reason(const std::string& supervisor,
                          const std::string& child, const std::string& what,
                          const supervision::intensity& limit,
                          const std::string& last);

/// Besides sup_tree_atom and dbg_crash_atom, every supervisor answers
///   (sup_add_atom, key)     -> bool  start make_child(key) (false: it runs)
///   (sup_remove_atom, name) -> bool  stop that child for good (its
///                                    shutdown first); false: not running
/// Dynamic children are started after the static ones, in request order.

/// Spawns a supervisor as a top-level actor. `detached` gives it a thread
/// of its own, for start functions that block (publishing a port).
supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_spec spec,
                                  bool detached = false);

/// A child spec that runs a nested supervisor.
child_spec supervisor_child(supervisor_spec spec,
                            supervision::restart restart
                            = supervision::restart::permanent);

} // namespace lunch
