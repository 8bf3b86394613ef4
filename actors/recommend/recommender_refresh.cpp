// The cache's continuous refresh: invalidated entries wait in the refresh
// queue (a read computes them on demand meanwhile), refresh batches compute
// queued keys again, and a batch that finds the queue empty begins a new
// cycle over every cached entry. Also the cache's figures.

#include <algorithm>
#include <utility>

#include "actors/recommend/recommender_state.hpp"
#include "messages/errors.hpp"

namespace lunch::recommend_detail {

namespace {

/// Queues `key` for a refresh; a key not queued yet counts in the cycle.
void enqueue(cache_refresh_state& r, const rec::refresh_key& key) {
  if (r.queue.push(key))
    ++r.cycle_total;
}

/// Queues every entry of today or later, the oldest computed first, and
/// drops past days' entries. No cycle begins on an empty cache.
void begin_cycle(recommender_state& st, rec::day_t today) {
  std::vector<std::pair<int64_t, rec::refresh_key>> due;
  for (auto d = st.cache.begin(); d != st.cache.end();) {
    if (d->first < today) {
      d = st.cache.erase(d);
      continue;
    }
    for (auto& [user, entry] : d->second)
      due.emplace_back(entry.computed, rec::refresh_key{d->first, user});
    ++d;
  }
  if (due.empty())
    return;
  std::sort(due.begin(), due.end(),
            [](auto& x, auto& y) { return x.first < y.first; });
  auto& r = st.refresh;
  ++r.cycle;
  r.cycle_refreshed = 0;
  r.cycle_total = 0;
  for (auto& x : due)
    enqueue(r, x.second);
}

void drop_entry(recommender_state& st, const rec::refresh_key& key) {
  if (auto d = st.cache.find(key.day); d != st.cache.end()) {
    d->second.erase(key.user);
    if (d->second.empty())
      st.cache.erase(d);
  }
}

/// Computes `keys` again with the configured seed (as cached_rank does);
/// keys of past days and of deleted users are dropped instead.
int64_t refresh_keys(recommender_state& st,
                     const std::vector<rec::refresh_key>& keys,
                     rec::day_t today) {
  auto& w = *st.world;
  std::unordered_map<rec::day_t, rec::day_candidates> candidates;
  int64_t refreshed = 0;
  for (auto& key : keys) {
    auto user = static_cast<size_t>(key.user);
    if (key.day < today || user >= w.index_limit() || !w.at(key.user).present) {
      drop_entry(st, key);
      continue;
    }
    auto c = candidates.find(key.day);
    if (c == candidates.end())
      c = candidates.emplace(key.day, rec::candidates_on(w, key.day)).first;
    put_entry(st, key.day, key.user,
              rec::rank(w, key.user, c->second, st.cfg.seed)
                .value_or(rec::ranked_head{}));
    ++refreshed;
  }
  return refreshed;
}

} // namespace

void put_entry(recommender_state& st, rec::day_t day, int32_t user,
               const rec::ranked_head& head) {
  st.cache[day][user] = cache_entry{head, st.refresh.next_computed++};
  st.refresh.queue.erase(rec::refresh_key{day, user});
}

void invalidate(recommender_state& st, std::optional<rec::day_t> day) {
  auto today = rec::today_in_seoul();
  auto queue_day = [&](rec::day_t d, const auto& entries) {
    if (d < today)
      return; // past: nothing will read it again
    for (auto& [user, entry] : entries)
      enqueue(st.refresh, rec::refresh_key{d, user});
  };
  if (!day) {
    for (auto& [d, entries] : st.cache)
      queue_day(d, entries);
    st.cache.clear();
    return;
  }
  if (auto d = st.cache.find(*day); d != st.cache.end()) {
    queue_day(d->first, d->second);
    st.cache.erase(d);
  }
}

void forget_cache(recommender_state& st) {
  st.cache.clear();
  st.refresh.queue.clear();
}

caf::result<rec_refresh_report> refresh_batch(self_ptr self, int32_t batch) {
  if (batch < 1 || batch > rec::max_refresh_batch)
    return make_error(errc::invalid_argument,
                      "batch: must be between 1 and "
                        + std::to_string(rec::max_refresh_batch));
  auto& st = self->state;
  auto& r = st.refresh;
  r.last_batch = steady::now();
  rec_refresh_report report;
  report.node = st.cfg.node;
  // Nothing is cached before the first load; a load in flight forgets
  // the cache when it lands.
  if (st.world && !st.loading) {
    auto today = rec::today_in_seoul();
    if (r.queue.empty())
      begin_cycle(st, today);
    report.refreshed
      = refresh_keys(st, r.queue.take(static_cast<size_t>(batch)), today);
    r.cycle_refreshed += report.refreshed;
    r.refreshed_total += report.refreshed;
  }
  report.queued = static_cast<int64_t>(r.queue.size());
  return report;
}

rec_cache_stats cache_stats(self_ptr self) {
  auto& st = self->state;
  auto& r = st.refresh;
  rec_cache_stats s;
  s.node = st.cfg.node;
  for (auto& [day, entries] : st.cache)
    if (!entries.empty()) {
      ++s.days;
      s.entries += static_cast<int64_t>(entries.size());
    }
  // An estimate: per entry its key, the entry (a ranked head has no heap
  // parts) and a hash node's next pointer and bucket slot; per day the
  // inner map; plus the refresh queue.
  constexpr size_t per_entry = sizeof(rec::refresh_key) + sizeof(cache_entry)
                               + 2 * sizeof(void*);
  using day_map = decltype(st.cache)::mapped_type;
  constexpr size_t per_day = sizeof(rec::day_t) + sizeof(day_map)
                             + 2 * sizeof(void*);
  s.memory_bytes = static_cast<int64_t>(
    static_cast<size_t>(s.entries) * per_entry + st.cache.size() * per_day
    + r.queue.memory_bytes());
  s.hits = r.hits;
  s.misses = r.misses;
  s.cycle = r.cycle;
  s.cycle_refreshed = r.cycle_refreshed;
  s.cycle_total = r.cycle_total;
  s.queued = static_cast<int64_t>(r.queue.size());
  s.refreshed_total = r.refreshed_total;
  if (r.last_batch)
    s.last_batch_ms_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
                            steady::now() - *r.last_batch)
                            .count();
  return s;
}

} // namespace lunch::recommend_detail
