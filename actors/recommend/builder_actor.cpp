#include "actors/recommend/builder_actor.hpp"

#include <caf/all.hpp>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace lunch {

namespace {

/// Builds yield to request handling: the builder's thread runs at nice 10.
/// Linux applies a thread id's nice value to that thread only.
void lower_own_priority() {
  auto tid = static_cast<id_t>(syscall(SYS_gettid));
  setpriority(PRIO_PROCESS, tid, 10); // best effort; ignore failures
}

builder_actor::behavior_type builder(builder_actor::pointer) {
  auto niced = std::make_shared<bool>(false);
  return {
    [=](rec_chunk_atom, const rec_chunk& chunk) {
      if (!*niced) {
        lower_own_priority(); // runs on the builder's own thread
        *niced = true;
      }
      rec_chunk_result result;
      result.users = static_cast<int64_t>(chunk.users.size());
      // Every (user, day), also those without groups (n = 0), so the
      // cache answers them too.
      for (auto& candidates : *chunk.days)
        for (auto user : chunk.users)
          result.entries.push_back(
            {user, candidates.day,
             rec::rank(*chunk.world, user, candidates, chunk.seed)
               .value_or(rec::ranked_head{})});
      return result;
    },
  };
}

} // namespace

builder_actor spawn_builder(caf::local_actor* parent) {
  return parent->spawn<caf::detached + caf::linked>(builder);
}

} // namespace lunch
