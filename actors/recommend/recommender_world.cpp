// The recommender's world replica and (user, date) cache.

#include "actors/recommend/recommender_state.hpp"
#include "messages/errors.hpp"
#include "messages/router_protocol.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch::recommend_detail {

namespace {

void install(self_ptr self, std::vector<rec_shard_snapshot>& shards) {
  auto& st = self->state;
  auto w = std::make_shared<rec::world>();
  w->load(shards);
  // Each shard's users, in DB order.
  std::unordered_map<std::string, int32_t> shard_of;
  for (auto& shard : shards)
    for (auto& u : shard.users)
      shard_of[u.employee_id] = shard.shard;
  st.shard_users.clear();
  for (auto& shard : shards)
    st.shard_users[shard.shard]; // present even when empty
  for (auto i : w->order())
    st.shard_users[shard_of[w->at(i).profile.employee_id]].push_back(i);
  st.world = std::move(w);
  ++st.generation;
  forget_cache(st);
  st.day_version.clear();
  st.all_days_version = st.version;
  log::info("recommend.loaded",
            {{"users", std::to_string(st.world->user_count())},
             {"shards", std::to_string(shards.size())}});
  // Changes that arrived during the load: the snapshot may predate them.
  // Busy days and profiles are idempotent; a membership count may be off by
  // one until the next build.
  auto held = std::move(st.held_changes);
  st.held_changes.clear();
  for (auto& change : held)
    apply_change(self, change);
}

void finish_load(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  st.loading = false;
  auto waiters = std::move(st.waiters);
  st.waiters.clear();
  for (auto& then : waiters)
    then(err);
}

} // namespace

void with_world(self_ptr self, const std::string& build_id,
                std::function<void(const caf::error&)> then) {
  auto& st = self->state;
  auto fresh_enough = build_id.empty() || st.loaded_for == build_id;
  if (st.world && fresh_enough && !st.loading) {
    then(caf::error{});
    return;
  }
  st.waiters.push_back(std::move(then));
  if (st.loading)
    return; // a load in flight is fresh enough for everyone waiting
  auto gw = st.cfg.directory->gateway();
  if (!gw) {
    finish_load(self, make_error(errc::unavailable,
                                 "the gateway restarts; try again"));
    return;
  }
  st.loading = true;
  st.loading_for = build_id;
  auto today = rec::format_day(rec::today_in_seoul());
  self->request(gw, st.cfg.timeout, rec_snapshot_atom::value, today)
    .then(
      [=](std::vector<rec_shard_snapshot>& shards) {
        install(self, shards);
        self->state.loaded_for = self->state.loading_for;
        finish_load(self, caf::error{});
      },
      [=](caf::error& err) {
        log::warn("recommend.load_failed",
                  {{"error", self->system().render(err)}});
        finish_load(self, err);
      });
}

void apply_change(self_ptr self, const rec_change& change) {
  auto& st = self->state;
  if (st.loading) {
    st.held_changes.push_back(change);
    return;
  }
  if (!st.world)
    return;                     // loaded on first use, with this change in it
  if (st.world.use_count() > 1) // a build reads the old one
    st.world = std::make_shared<rec::world>(*st.world);
  auto scope = st.world->apply(change);
  ++st.version;
  if (scope.all_days) {
    invalidate(st, std::nullopt);
    st.all_days_version = st.version;
    return;
  }
  for (auto day : scope.days) {
    invalidate(st, day);
    st.day_version[day] = st.version;
  }
}

rec::ranked_head cached_rank(self_ptr self, int32_t user, rec::day_t day) {
  auto& st = self->state;
  if (auto d = st.cache.find(day); d != st.cache.end())
    if (auto i = d->second.find(user); i != d->second.end()) {
      ++st.refresh.hits;
      return i->second.head;
    }
  ++st.refresh.misses;
  auto head = rec::rank(*st.world, user, rec::candidates_on(*st.world, day),
                        st.cfg.seed)
                .value_or(rec::ranked_head{}); // n = 0: no groups that day
  put_entry(st, day, user, head);
  return head;
}

void store(self_ptr self, const rec_chunk_entry& entry, int64_t generation,
           int64_t version) {
  auto& st = self->state;
  if (generation != st.generation || st.all_days_version > version)
    return;
  if (auto i = st.day_version.find(entry.day);
      i != st.day_version.end() && i->second > version)
    return;
  put_entry(st, entry.day, entry.user, entry.head);
}

} // namespace lunch::recommend_detail
