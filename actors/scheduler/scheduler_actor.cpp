#include "actors/scheduler/scheduler_actor.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "actors/scheduler/schedule_store.hpp"
#include "messages/errors.hpp"
#include "runtime/db/reconnecting.hpp"
#include "runtime/instance_token.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

// Private: look at the clock (and the lease) now.
using sch_tick_atom = caf::atom_constant<caf::atom("sch_tick")>;

using scheduler_impl
  = schedule_interface::extend<caf::reacts_to<sch_tick_atom>>;

using clock = std::chrono::system_clock;

struct scheduler_state {
  scheduler_settings cfg;
  const date::time_zone* zone = nullptr;
  std::string token;              // this scheduler, for the lease
  db::reconnecting_connection db; // the catalog
  bool active = false;
  clock::time_point last_refresh;
  bool refreshing = false;
  static inline const char* name = "lunch.scheduler";
};

using self_ptr = scheduler_impl::stateful_pointer<scheduler_state>;

sched::seconds_t now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(clock::now());
}

// Until the next tick: the tick interval, or less when a slot comes first
// (just past it, so the slot's second has begun).
caf::timespan until_next_tick(self_ptr self) {
  auto& st = self->state;
  auto now = clock::now();
  auto wake = now + st.cfg.tick;
  for (const auto& spec : st.cfg.schedules)
    if (auto next = sched::next_slot(spec, st.zone, now_seconds()))
      wake = std::min(wake,
                      clock::time_point{*next} + std::chrono::milliseconds{5});
  return std::max(caf::timespan{std::chrono::milliseconds{1}},
                  std::chrono::duration_cast<caf::timespan>(wake - now));
}

// One batch of the cached recommendations' refresh on every node, one at a
// time; a failure only waits for the next interval.
void refresh_cache(self_ptr self) {
  auto& st = self->state;
  if (st.cfg.cache_refresh.count() <= 0 || st.refreshing
      || clock::now() - st.last_refresh < st.cfg.cache_refresh)
    return;
  auto gw = st.cfg.directory->gateway();
  if (!gw)
    return;
  st.last_refresh = clock::now();
  st.refreshing = true;
  self
    ->request(gw, st.cfg.timeout, cache_refresh_atom::value,
              st.cfg.cache_refresh_batch)
    .then(
      [=](std::vector<rec_refresh_report>&) { self->state.refreshing = false; },
      [=](caf::error& err) {
        self->state.refreshing = false;
        log::warn("scheduler.cache_refresh_failed",
                  {{"error", message_of(err)}});
      });
}

void tick(self_ptr self) {
  auto& st = self->state;
  auto lease_ms = st.cfg.lease_ms;
  auto now = now_seconds();
  std::vector<sched::fired_slot> fired;
  auto held = st.db.run<bool>([&](auto& tx) {
    auto lease = sched::hold_lease(tx, st.cfg.node, st.token, lease_ms);
    if (lease.taken)
      log::info("scheduler.active", {{"previous", lease.previous}});
    if (lease.held)
      fired = sched::fire_due(tx, st.cfg.schedules, st.zone, now, st.cfg.node,
                              st.cfg.policies);
    return lease.held;
  });
  // A failed transaction fired nothing; the next tick tries again.
  st.active = held.flag == caf::rt_value && held.value.get_as<bool>(0);
  if (held.flag != caf::rt_value)
    fired.clear(); // rolled back
  for (auto& f : fired)
    log::info("scheduler.fired",
              {{"schedule", f.schedule},
               {"slot", sched::format_local(f.slot, st.zone)},
               {"job", std::to_string(f.job)}});
  if (st.active)
    refresh_cache(self);
}

scheduler_impl::behavior_type scheduler(self_ptr self, scheduler_settings cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.db = db::reconnecting_connection{st.cfg.catalog, 5000, "scheduler.db"};
  st.zone = sched::find_zone(st.cfg.timezone); // checked with the config
  st.token = instance_token(st.cfg.node);
  // A clean stop gives the lease up, so another node goes on at once.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.active)
      st.db.run<bool>([&](auto& tx) {
        sched::release_lease(tx, st.token);
        return true;
      });
    self->quit(msg.reason);
  });
  self->send(self, sch_tick_atom::value);
  return {
    [=](sch_tick_atom) {
      tick(self);
      self->delayed_send(self, until_next_tick(self), sch_tick_atom::value);
    },
    [=](sch_list_atom) {
      auto& st = self->state;
      return st.db.run<schedule_table>([&](auto& tx) {
        return sched::table(tx, st.cfg.schedules, st.cfg.timezone, st.zone,
                            now_seconds());
      });
    },
    [=](sch_trig_atom, const std::string& name) -> caf::result<job_record> {
      auto& st = self->state;
      auto it = std::find_if(st.cfg.schedules.begin(), st.cfg.schedules.end(),
                             [&](auto& s) { return s.name == name; });
      if (it == st.cfg.schedules.end())
        return make_error(errc::not_found,
                          "schedule " + name
                            + " not found (lunchctl schedule list shows them)");
      return st.db.run<job_record>([&](auto& tx) {
        return sched::trigger(tx, *it, st.cfg.node, st.cfg.policies);
      });
    },
  };
}

} // namespace

caf::actor spawn_scheduler(caf::local_actor* parent,
                           scheduler_settings settings) {
  return caf::actor_cast<caf::actor>(
    parent->spawn<caf::detached>(scheduler, std::move(settings)));
}

} // namespace lunch
