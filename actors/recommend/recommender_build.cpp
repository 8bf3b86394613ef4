// Builds: the coordinator asks every shard's node for its users' entries
// (rec_part, routed like any request for that shard), and each node splits
// its part into chunks for its builders. Results land in the cache of the
// node that owns the users' shard.

#include "actors/recommend/recommender_state.hpp"
#include "messages/errors.hpp"
#include "messages/router_protocol.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch::recommend_detail {

namespace {

constexpr int32_t max_build_days = 366;

/// Roughly this many candidate scores per chunk (a few milliseconds), so
/// progress is fine-grained and builders share work evenly.
constexpr int64_t scores_per_chunk = 4'000'000;

int64_t elapsed_ms(steady::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now()
                                                               - since)
    .count();
}

/// Keeps the progress of the latest builds only: forgets the oldest
/// finished ones.
void forget_old_builds(recommender_state& st) {
  constexpr size_t kept = 32;
  while (st.builds.size() >= kept) {
    auto oldest = st.builds.end();
    for (auto i = st.builds.begin(); i != st.builds.end(); ++i)
      if (i->second.progress.state != "running"
          && (oldest == st.builds.end()
              || i->second.started < oldest->second.started))
        oldest = i;
    if (oldest == st.builds.end())
      return; // all running: keep them
    st.builds.erase(oldest);
  }
}

void sum_up(build_record& b) {
  auto& p = b.progress;
  p.users_done = 0;
  p.entries = 0;
  p.users_total = 0;
  for (auto& [shard, done] : b.shards) {
    p.users_done += done.users;
    p.entries += done.entries;
  }
  for (auto& [shard, users] : b.shard_users)
    p.users_total += users;
}

void part_finished(self_ptr self, const std::string& id, int32_t shard,
                   const rec_part_done& done) {
  auto i = self->state.builds.find(id);
  if (i == self->state.builds.end())
    return;
  auto& b = i->second;
  b.shards[shard] = done;
  b.shard_users[shard] = done.users;
  ++b.progress.shards_done;
  sum_up(b);
  if (b.progress.state == "running"
      && b.progress.shards_done == b.progress.shards_total) {
    b.progress.state = "done";
    b.progress.elapsed_ms = elapsed_ms(b.started);
    log::info("recommend.build_done",
              {{"build", id},
               {"users", std::to_string(b.progress.users_done)},
               {"entries", std::to_string(b.progress.entries)},
               {"ms", std::to_string(b.progress.elapsed_ms)}});
  }
}

void part_failed(self_ptr self, const std::string& id, int32_t shard,
                 const caf::error& err) {
  auto i = self->state.builds.find(id);
  if (i == self->state.builds.end() || i->second.progress.state != "running")
    return;
  auto& p = i->second.progress;
  p.state = "failed";
  p.elapsed_ms = elapsed_ms(i->second.started);
  p.error = "shard " + std::to_string(shard) + ": "
            + self->system().render(err);
  log::warn("recommend.build_failed", {{"build", id}, {"error", p.error}});
}

/// The weekdays of the part that are not in the past.
available_days days_of(const rec::world& w, const rec_part_spec& spec) {
  available_days days;
  auto from = rec::parse_day(spec.from);
  auto today = rec::parse_day(spec.today);
  if (!from || !today)
    return days;
  for (int32_t offset = 0; offset < spec.days; ++offset) {
    auto day = *from + offset;
    if (day < *today || rec::is_weekend(day))
      continue;
    days.push_back(rec::candidates_on(w, day));
  }
  return days;
}

void chunk_done(self_ptr self, std::shared_ptr<part_run> run,
                const rec_chunk_result& result, int64_t generation,
                int64_t version) {
  for (auto& entry : result.entries) {
    store(self, entry, generation, version);
    if (entry.head.n > 0)
      ++run->entries;
  }
  run->users_done += result.users;
  if (auto c = run->spec.coordinator)
    self->send(caf::actor_cast<recommender_actor>(c), rec_tick_atom::value,
               run->spec.build_id, run->spec.shard, run->users_done,
               run->entries, run->users_total);
  if (--run->chunks_left > 0 || run->failed)
    return;
  run->rp.deliver(rec_part_done{run->spec.shard, run->users_done, run->entries,
                                elapsed_ms(run->started)});
}

void start_part(self_ptr self, std::shared_ptr<part_run> run) {
  auto& st = self->state;
  auto& spec = run->spec;
  auto world = std::const_pointer_cast<const rec::world>(st.world);
  auto days = std::make_shared<const available_days>(days_of(*world, spec));
  auto users_it = st.shard_users.find(spec.shard);
  static const std::vector<int32_t> none;
  auto& users = users_it == st.shard_users.end() ? none : users_it->second;
  run->users_total = static_cast<int64_t>(users.size());
  if (users.empty() || days->empty() || st.builders.empty()) {
    run->users_done = run->users_total;
    run->rp.deliver(
      rec_part_done{spec.shard, run->users_total, 0, elapsed_ms(run->started)});
    return;
  }
  auto per_user = static_cast<int64_t>(days->size())
                  * static_cast<int64_t>(world->user_count());
  auto chunk_size = static_cast<size_t>(
    std::max<int64_t>(1, scores_per_chunk / std::max<int64_t>(1, per_user)));
  auto generation = st.generation;
  auto version = st.version;
  run->chunks_left = (users.size() + chunk_size - 1) / chunk_size;
  for (size_t first = 0; first < users.size(); first += chunk_size) {
    rec_chunk chunk;
    chunk.world = world;
    chunk.days = days;
    chunk.seed = static_cast<uint64_t>(spec.seed);
    chunk.users.assign(
      users.begin() + static_cast<ptrdiff_t>(first),
      users.begin()
        + static_cast<ptrdiff_t>(std::min(users.size(), first + chunk_size)));
    auto builder = st.builders[st.next_builder++ % st.builders.size()];
    self->request(builder, st.cfg.build_timeout, rec_chunk_atom::value, chunk)
      .then(
        [=](rec_chunk_result& result) {
          chunk_done(self, run, result, generation, version);
        },
        [=](caf::error& err) {
          if (!run->failed) {
            run->failed = true;
            run->rp.deliver(err);
          }
        });
  }
}

} // namespace

caf::result<rec_progress> start_build(self_ptr self,
                                      const rec_build_spec& spec) {
  auto& st = self->state;
  auto today = rec::today_in_seoul();
  auto from = spec.from.empty() ? std::optional<rec::day_t>{today}
                                : rec::parse_day(spec.from);
  if (!from)
    return make_error(errc::invalid_argument,
                      "from: must be a date YYYY-MM-DD, got '" + spec.from
                        + "'");
  if (spec.days < 1 || spec.days > max_build_days)
    return make_error(errc::invalid_argument,
                      "days: must be between 1 and "
                        + std::to_string(max_build_days));
  auto gw = st.cfg.directory->gateway();
  if (!gw)
    return make_error(errc::unavailable, "the gateway restarts; try again");
  forget_old_builds(st);
  auto id = st.cfg.node + "-" + std::to_string(++st.build_seq);
  auto& b = st.builds[id];
  b.started = steady::now();
  auto& p = b.progress;
  p.build_id = id;
  p.state = "running";
  p.today = rec::format_day(today);
  p.from = rec::format_day(*from);
  p.days = spec.days;
  p.shards_total = st.cfg.shard_count;
  rec_part_spec part;
  part.build_id = id;
  part.today = p.today;
  part.from = p.from;
  part.days = spec.days;
  part.seed = spec.seed < 0 ? static_cast<int64_t>(st.cfg.seed) : spec.seed;
  part.coordinator = caf::actor_cast<caf::actor>(self);
  log::info("recommend.build", {{"build", id},
                                {"from", p.from},
                                {"days", std::to_string(p.days)}});
  for (int32_t shard = 0; shard < st.cfg.shard_count; ++shard) {
    part.shard = shard;
    self->request(gw, st.cfg.build_timeout, rec_part_atom::value, part)
      .then([=](rec_part_done& done) { part_finished(self, id, shard, done); },
            [=](caf::error& err) { part_failed(self, id, shard, err); });
  }
  return p;
}

caf::result<rec_progress> build_progress(self_ptr self, const std::string& id) {
  auto i = self->state.builds.find(id);
  if (i == self->state.builds.end())
    return make_error(errc::not_found,
                      "no build " + id + " was started on this node");
  auto p = i->second.progress;
  if (p.state == "running")
    p.elapsed_ms = elapsed_ms(i->second.started);
  return p;
}

caf::typed_response_promise<rec_part_done> run_part(self_ptr self,
                                                    const rec_part_spec& spec) {
  auto run = std::make_shared<part_run>();
  run->spec = spec;
  run->started = steady::now();
  run->rp = self->make_response_promise<rec_part_done>();
  with_world(self, spec.build_id, [=](const caf::error& err) {
    if (err)
      run->rp.deliver(err);
    else
      start_part(self, run);
  });
  return run->rp;
}

void on_tick(self_ptr self, const std::string& build_id, int32_t shard,
             int64_t users_done, int64_t entries, int64_t users_total) {
  auto i = self->state.builds.find(build_id);
  if (i == self->state.builds.end())
    return;
  auto& b = i->second;
  auto& done = b.shards[shard];
  done.shard = shard;
  done.users = users_done;
  done.entries = entries;
  b.shard_users[shard] = users_total;
  sum_up(b);
}

} // namespace lunch::recommend_detail
