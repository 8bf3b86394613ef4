#pragma once

// A builder: ranks the candidates of a chunk of users on a set of days
// (spec §4.2) against an immutable world. Builders are detached (their own
// threads, at a lower priority), so a long build never occupies the
// scheduler threads that answer requests. Node-local messages only.
//
//   (rec_chunk_atom, rec_chunk) -> rec_chunk_result

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/recommend/rec_world.hpp"
#include "actors/recommend/smart.hpp"

namespace lunch {

using rec_chunk_atom = caf::atom_constant<caf::atom("rec_chunk")>;

/// The candidates of each day of a build.
using available_days = std::vector<rec::day_candidates>;

struct rec_chunk {
  std::shared_ptr<const rec::world> world;
  std::shared_ptr<const available_days> days;
  std::vector<int32_t> users; // world indexes
  uint64_t seed = 0;
};

struct rec_chunk_entry {
  int32_t user = 0;
  rec::day_t day = 0;
  rec::ranked_head head;
};

struct rec_chunk_result {
  std::vector<rec_chunk_entry> entries;
  int64_t users = 0;
};

using builder_actor = caf::typed_actor<
  caf::replies_to<rec_chunk_atom, rec_chunk>::with<rec_chunk_result>>;

/// Spawns a detached builder linked to `parent`.
builder_actor spawn_builder(caf::local_actor* parent);

} // namespace lunch

// Chunks share the world by pointer: node-local, never serialised.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(lunch::rec_chunk)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(lunch::rec_chunk_result)
