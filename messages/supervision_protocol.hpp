#pragma once

// What every supervisor (and every actor that supervises entities) answers:
//   (sup_tree_atom)  -> [tree_line]  its live subtree, itself first
//   (dbg_crash_atom) -> ()           throw, for fault injection
// The public API's fault injection (debug_public), refused (forbidden)
// unless the node config has "debug": {"fault_injection": true}:
//   (dbg_crash_atom, path, every_message) -> text  make the actor named
//                                            `path` throw
//   (dbg_heal_atom, path)                 -> bool  stop an every-message
//                                            fault
//   (dbg_tree_atom)                       -> [tree_line]  the whole tree

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace lunch {

/// One actor of the supervision tree, in depth-first order.
struct tree_line {
  int32_t depth = 0;
  std::string name;     // unique in the node: "shard/2", "entities/2"
  std::string kind;     // supervisor | worker | entities
  std::string strategy; // of a supervisor; "" for workers
  std::string state;    // running | restarting | stopped
  int64_t restarts = 0; // times its supervisor restarted it
  std::string detail;   // free text, e.g. "users 3, parties 1, crashes 0"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tree_line& x) {
  return f(caf::meta::type_name("lunch::tree_line"), x.depth, x.name, x.kind,
           x.strategy, x.state, x.restarts, x.detail);
}

using supervisor_actor = caf::typed_actor<
  caf::replies_to<sup_tree_atom>::with<std::vector<tree_line>>,
  caf::reacts_to<dbg_crash_atom>>;

using debug_public = caf::typed_actor<
  caf::replies_to<dbg_crash_atom, std::string, bool>::with<std::string>,
  caf::replies_to<dbg_heal_atom, std::string>::with<bool>,
  caf::replies_to<dbg_tree_atom>::with<std::vector<tree_line>>>;

} // namespace lunch
