#include "actors/recommend/recommender_actor.hpp"

#include "actors/recommend/daily.hpp"
#include "actors/recommend/recommender_state.hpp"
#include "messages/errors.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

using namespace recommend_detail;

/// Answers `answer(world)` once the world is loaded, or the load's error.
template <class T, class F>
caf::typed_response_promise<T> when_loaded(self_ptr self, F answer) {
  auto rp = self->make_response_promise<T>();
  with_world(self, "", [=](const caf::error& err) mutable {
    if (err) {
      rp.deliver(err);
      return;
    }
    caf::expected<T> result = answer();
    if (result)
      rp.deliver(std::move(*result));
    else
      rp.deliver(result.error());
  });
  return rp;
}

caf::expected<int32_t> user_index(self_ptr self, const std::string& id) {
  auto i = self->state.world->find(id);
  if (i < 0)
    return make_error(errc::not_found, "no user " + id);
  return i;
}

caf::expected<rec::day_t> day_of(const std::string& text,
                                 const char* field = "date") {
  auto day = rec::parse_day(text);
  if (!day)
    return make_error(errc::invalid_argument,
                      std::string{field} + ": must be a date YYYY-MM-DD, got '"
                        + text + "'");
  return *day;
}

/// §3.2 item 24: today, or next Monday on a weekend.
rec::day_t default_day() {
  auto day = rec::today_in_seoul();
  while (rec::is_weekend(day))
    ++day;
  return day;
}

/// The groups of (user, day): none on weekends and past days (the old app
/// cached only today onwards); the configured seed goes through the cache,
/// another seed is computed on demand.
std::vector<rec_item> groups_of(self_ptr self, int32_t user, rec::day_t day,
                                int64_t seed) {
  auto& st = self->state;
  auto today = rec::today_in_seoul();
  if (day < today || rec::is_weekend(day))
    return {};
  rec::ranked_head head;
  if (seed < 0 || static_cast<uint64_t>(seed) == st.cfg.seed)
    head = cached_rank(self, user, day);
  else
    head = rec::rank(*st.world, user, rec::candidates_on(*st.world, day),
                     static_cast<uint64_t>(seed))
             .value_or(rec::ranked_head{});
  return rec::render(*st.world, user, day, today, head);
}

recommender_actor::behavior_type recommender(self_ptr self,
                                             recommender_settings cfg) {
  self->state.cfg = std::move(cfg);
  answer_crashes(self, node_directory::recommender_name);
  for (int32_t i = 0; i < std::max(1, self->state.cfg.builders); ++i)
    self->state.builders.push_back(spawn_builder(self));
  return {
    [=](rec_get_atom, const std::string& user, const std::string& date,
        int64_t seed) {
      return when_loaded<std::vector<rec_item>>(
        self, [=]() -> caf::expected<std::vector<rec_item>> {
          auto u = user_index(self, user);
          if (!u)
            return u.error();
          auto day = date.empty() ? caf::expected<rec::day_t>{default_day()}
                                  : day_of(date);
          if (!day)
            return day.error();
          return groups_of(self, *u, *day, seed);
        });
    },
    [=](rec_days_atom, const std::string& user, const std::string& from,
        int32_t days, int64_t seed) {
      return when_loaded<std::vector<rec_day>>(
        self, [=]() -> caf::expected<std::vector<rec_day>> {
          auto u = user_index(self, user);
          if (!u)
            return u.error();
          auto first = day_of(from, "from");
          if (!first)
            return first.error();
          std::vector<rec_day> result;
          for (int32_t offset = 0; offset < days; ++offset) {
            auto items = groups_of(self, *u, *first + offset, seed);
            if (!items.empty())
              result.push_back({rec::format_day(*first + offset), items});
          }
          return result;
        });
    },
    [=](rec_suggst_atom, const std::string& user, const std::string& date) {
      return when_loaded<std::vector<suggest_group>>(
        self, [=]() -> caf::expected<std::vector<suggest_group>> {
          auto u = user_index(self, user);
          if (!u)
            return u.error();
          auto day = day_of(date);
          if (!day)
            return day.error();
          if (*day < rec::today_in_seoul())
            return std::vector<suggest_group>{}; // busy days are kept from
                                                 // today on only
          return rec::suggest_groups(*self->state.world, *u, *day);
        });
    },
    [=](rec_daily_atom, const std::string& date, int64_t seed) {
      return when_loaded<std::vector<daily_group>>(
        self, [=]() -> caf::expected<std::vector<daily_group>> {
          auto day = date.empty() ? caf::expected<rec::day_t>{default_day()}
                                  : day_of(date);
          if (!day)
            return day.error();
          if (*day < rec::today_in_seoul())
            return std::vector<daily_group>{};
          auto s = seed < 0 ? self->state.cfg.seed
                            : static_cast<uint64_t>(seed);
          return rec::daily_groups(*self->state.world, *day,
                                   rec::today_in_seoul(), s);
        });
    },
    [=](rec_score_atom, const std::vector<std::string>& users,
        const std::string& date) {
      return when_loaded<int64_t>(self, [=]() -> caf::expected<int64_t> {
        auto day = day_of(date);
        if (!day)
          return day.error();
        std::vector<rec_user> members;
        for (auto& id : users) {
          auto u = user_index(self, id);
          if (!u)
            return u.error();
          members.push_back(self->state.world->at(*u).profile);
        }
        return rec::group_score(members, *day);
      });
    },
    [=](rec_build_atom, const rec_build_spec& spec) {
      return start_build(self, spec);
    },
    [=](rec_prog_atom, const std::string& id) {
      return build_progress(self, id);
    },
    [=](rec_part_atom, const rec_part_spec& spec) {
      return run_part(self, spec);
    },
    [=](rec_tick_atom, const std::string& id, int32_t shard, int64_t done,
        int64_t entries,
        int64_t total) { on_tick(self, id, shard, done, entries, total); },
    [=](rec_change_atom, const std::vector<rec_change>& changes) {
      for (auto& change : changes)
        apply_change(self, change);
    },
    [=](rec_refresh_atom, int32_t batch) { return refresh_batch(self, batch); },
    [=](rec_cache_atom) { return cache_stats(self); },
  };
}

} // namespace

caf::error recommender_restarting() {
  return make_error(errc::unavailable,
                    "the recommender of this node restarts; try again");
}

caf::actor spawn_recommender(caf::local_actor* parent,
                             recommender_settings settings) {
  return caf::actor_cast<caf::actor>(
    parent->spawn(recommender, std::move(settings)));
}

} // namespace lunch
