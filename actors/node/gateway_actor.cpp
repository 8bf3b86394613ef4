#include "actors/node/gateway_actor.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "actors/node/gateway_cache.hpp"
#include "actors/node/gateway_calendar.hpp"
#include "actors/node/gateway_debug.hpp"
#include "actors/node/gateway_jobs.hpp"
#include "actors/node/gateway_maintenance.hpp"
#include "actors/node/gateway_notify.hpp"
#include "actors/node/gateway_parties.hpp"
#include "actors/node/gateway_recommend.hpp"
#include "actors/node/gateway_users.hpp"
#include "actors/node/routing.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "actors/region/region_actor.hpp"
#include "messages/errors.hpp"
#include "messages/recommend_changes.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

using self_ptr = gateway_self;
// Reads may be sent twice (to a new owner after a failover).
constexpr bool read = true;

// Answers every request with `unavailable` while shard i's region (or its
// owner) is being restarted, so callers fail fast instead of waiting for a
// timeout. It has the region's interface only in name: a catch-all handler.
region_actor spawn_closed_door(self_ptr self, int32_t shard) {
  auto door = self->spawn<caf::linked>([shard](caf::event_based_actor* door) {
    door->set_default_handler(
      [shard](caf::scheduled_actor*,
              caf::message_view&) -> caf::result<caf::message> {
        return make_error(errc::unavailable,
                          "shard " + std::to_string(shard)
                            + " is restarting (see lunchctl debug tree)");
      });
    return caf::behavior{[](caf::unit_t) {}};
  });
  return caf::actor_cast<region_actor>(door);
}

int32_t shard_count(self_ptr self) {
  return static_cast<int32_t>(self->state.routes.size());
}

// Cluster commands go to this node's cluster actor.
cluster_actor cluster_of(self_ptr self) {
  return self->state.settings.directory->cluster();
}

caf::error no_cluster() {
  return make_error(errc::unavailable, "the cluster actor is restarting");
}

gateway_impl::behavior_type gateway(self_ptr self, gateway_settings settings) {
  auto& st = self->state;
  st.slots = slot_map{settings.slot_table, settings.shard_count};
  st.settings = std::move(settings);
  auto n = static_cast<size_t>(st.settings.shard_count);
  st.routes.resize(n);
  st.parked.resize(n);
  st.regions.resize(n);
  for (int32_t i = 0; i < st.settings.shard_count; ++i)
    st.closed_doors.push_back(spawn_closed_door(self, i));
  answer_crashes(self, node_directory::gateway_name);
  self->set_down_handler([=](caf::down_msg& msg) {
    for (auto& r : self->state.regions)
      if (r && r.address() == msg.source)
        r = nullptr;
  });
  // A restarted gateway learns the routes the cluster actor knows; later
  // changes arrive as clu_route messages.
  if (auto cluster = cluster_of(self))
    self->request(cluster, st.settings.timeout, clu_routes_atom::value)
      .then(
        [=](std::vector<shard_route>& routes) {
          for (auto& route : routes)
            on_route(self, route);
        },
        [](caf::error&) {});
  return {
    // -- users ---------------------------------------------------------
    [=](usr_create_atom, const user_profile& p, const request_id& rid) {
      return create_user(self, p, rid);
    },
    [=](usr_get_atom, const user_key& id) { return get_user(self, id); },
    [=](usr_update_atom, const user_patch& p, const request_id& rid) {
      return update_user(self, p, rid);
    },
    [=](usr_delete_atom, const user_key& id, const request_id& rid) {
      return delete_user(self, id, rid);
    },
    [=](usr_search_atom, const std::string& term, int32_t limit) {
      return search_users(self, term, limit);
    },
    [=](usr_shard_atom, const std::string& key) {
      auto slot = slot_of(key);
      return key_location{key, slot, self->state.slots.shard_of_slot(slot)};
    },
    // -- parties -------------------------------------------------------
    [=](pty_create_atom, const party_record& p, const request_id& rid) {
      return create_party(self, p, rid);
    },
    [=](pty_get_atom, party_id id) { return get_party(self, id); },
    [=](pty_join_atom, party_id id, const user_key& user,
        const request_id& rid) { return join_party(self, id, user, rid); },
    [=](pty_leave_atom, party_id id, const user_key& user,
        const request_id& rid) { return leave_party(self, id, user, rid); },
    [=](pty_update_atom, const party_patch& p, const request_id& rid) {
      return update_party(self, p, rid);
    },
    [=](pty_delete_atom, party_id id, const user_key& user,
        const request_id& rid) { return delete_party(self, id, user, rid); },
    [=](pty_mine_atom, const user_key& user, bool regular_only) {
      return parties_of(self, user, regular_only);
    },
    [=](pty_list_atom, const party_filter& filter) {
      return list_parties(self, filter);
    },
    // -- shards and node -----------------------------------------------
    [=](shd_map_atom) { return self->state.slots.ranges(); },
    [=](shd_stats_atom a) {
      auto rp = self->make_response_promise<std::vector<shard_stats>>();
      ask_all<shard_stats>(
        self, read,
        [=](std::vector<answer<shard_stats>> answers) mutable {
          std::vector<shard_stats> result;
          for (size_t i = 0; i < answers.size(); ++i) {
            if (answers[i].value) {
              result.push_back(*answers[i].value);
            } else {
              shard_stats s;
              s.shard = static_cast<int32_t>(i);
              auto msg = message_of(answers[i].error);
              s.error = msg.empty() ? to_string(errc_of(answers[i].error))
                                    : msg;
              result.push_back(std::move(s));
            }
          }
          rp.deliver(std::move(result));
        },
        a);
      return rp;
    },
    [=](shd_plan_atom) {
      auto rp = self->make_response_promise<rebalance_plan>();
      ask_all<shard_stats>(
        self, read,
        [=](std::vector<answer<shard_stats>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<int64_t> users;
          for (auto& x : answers)
            users.push_back(x.value->user_count);
          rp.deliver(plan_rebalance(users));
        },
        shd_stats_atom::value);
      return rp;
    },
    [=](nod_status_atom a) {
      auto rp = self->make_response_promise<node_status>();
      ask_all<region_status>(
        self, read,
        [=](std::vector<answer<region_status>> regions) mutable {
          ask_all<shard_stats>(
            self, read,
            [=](std::vector<answer<shard_stats>> stats) mutable {
              auto& st = self->state;
              node_status s;
              s.node = st.settings.node;
              s.host = st.settings.host;
              s.port = st.settings.port;
              s.shard_count = shard_count(self);
              s.uptime_ms
                = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - st.started)
                    .count();
              // Entities active on the regions this node serves.
              for (size_t i = 0; i < regions.size(); ++i)
                if (regions[i].value && st.routes[i].node == st.settings.node) {
                  s.active_users += regions[i].value->active_users;
                  s.active_parties += regions[i].value->active_parties;
                }
              for (size_t i = 0; i < stats.size(); ++i)
                if (!stats[i].value)
                  s.unreachable_shards.push_back(static_cast<int32_t>(i));
              rp.deliver(std::move(s));
            },
            shd_stats_atom::value);
        },
        a);
      return rp;
    },
    // -- points --------------------------------------------------------
    [=](pts_award_atom a, const points_award& award) {
      // An entity activated later (the shard is moving) scans anyway.
      if (auto target = target_of(self, shard_of_user(self, award.employee_id)))
        self->send(target, a, award);
    },
    [=](pts_scan_atom a, const user_key& user) {
      auto rp = self->make_response_promise<std::vector<points_mark>>();
      ask_all<points_mark>(
        self, read,
        [=](std::vector<answer<points_mark>> answers) mutable {
          std::vector<points_mark> marks;
          for (auto& x : answers)
            if (x.value)
              marks.push_back(*x.value);
          rp.deliver(std::move(marks));
        },
        a, user);
      return rp;
    },
    // -- calendar entries ----------------------------------------------
    [=](cal_add_atom, const calendar_entry& e, const request_id& rid) {
      return add_calendar_entry(self, e, rid);
    },
    [=](cal_list_atom, const user_key& user) {
      return list_calendar(self, user);
    },
    [=](cal_delete_atom, const user_key& user, int64_t id,
        const request_id& rid) {
      return delete_calendar_entry(self, user, id, rid);
    },
    // -- the notification inbox ----------------------------------------
    [=](ntf_add_atom, const notification& n, const std::string& key,
        const request_id& rid) { return add_notification(self, n, key, rid); },
    [=](ntf_add_atom, const std::vector<notification>& ns,
        const std::vector<std::string>& keys, const request_id& rid) {
      return add_notifications(self, ns, keys, rid);
    },
    [=](ntf_list_atom, const user_key& user, bool unread_only) {
      return list_notifications(self, user, unread_only);
    },
    [=](ntf_read_atom, int64_t id, const request_id& rid) {
      return read_notification(self, id, rid);
    },
    [=](ntf_readall_atom, const user_key& user, const request_id& rid) {
      return read_all_notifications(self, user, rid);
    },
    [=](ntf_delete_atom, int64_t id, const request_id& rid) {
      return delete_notification(self, id, rid);
    },
    [=](ntf_clear_atom, const user_key& user, const request_id& rid) {
      return clear_read_notifications(self, user, rid);
    },
    // -- data jobs: cleanup and user analytics (spec §5) -----------------
    [=](mnt_clean_atom, const std::string& today, const request_id& rid) {
      return cleanup_expired_data(self, today, rid);
    },
    [=](mnt_analytics_atom, const std::string& day, const std::string& user,
        const request_id& rid) {
      return process_user_analytics(self, day, user, rid);
    },
    [=](mnt_get_atom, const std::string& user, const std::string& day) {
      return read_user_analytics(self, user, day);
    },
    // -- recommendations -----------------------------------------------
    [=](rec_snapshot_atom, const std::string& today) {
      return recommend_snapshot(self, today);
    },
    [=](rec_change_atom, const std::vector<rec_change>& changes) {
      for (auto& change : changes)
        if (is_user_change(change))
          self->state.briefs.forget(change.user.employee_id);
      spread_changes(self, changes);
    },
    [=](usr_changed_atom, const user_key& user) {
      self->state.briefs.forget(user.value);
    },
    [=](rec_get_atom a, const std::string& user, const std::string& date,
        int64_t seed) {
      return forward<std::vector<rec_item>>(self, shard_of_user(self, user),
                                            true, a, user, date, seed);
    },
    [=](rec_days_atom a, const std::string& user, const std::string& from,
        int32_t days, int64_t seed) {
      return forward<std::vector<rec_day>>(self, shard_of_user(self, user),
                                           true, a, user, from, days, seed);
    },
    [=](rec_suggst_atom a, const std::string& user, const std::string& date) {
      return forward<std::vector<suggest_group>>(
        self, shard_of_user(self, user), true, a, user, date);
    },
    [=](rec_part_atom a, const rec_part_spec& spec) {
      return forward<rec_part_done>(self, spec.shard, true, a, spec);
    },
    [=](rec_daily_atom a, const std::string& date,
        int64_t seed) -> caf::result<std::vector<daily_group>> {
      if (auto rec = self->state.settings.directory->recommender())
        return self->delegate(rec, a, date, seed);
      return recommender_restarting();
    },
    [=](rec_score_atom a, const std::vector<std::string>& users,
        const std::string& date) -> caf::result<int64_t> {
      if (users.empty() || users.size() > 20)
        return make_error(errc::invalid_argument,
                          "users: give 1 to 20 employee ids");
      if (auto rec = self->state.settings.directory->recommender())
        return self->delegate(rec, a, users, date);
      return recommender_restarting();
    },
    [=](rec_build_atom a,
        const rec_build_spec& spec) -> caf::result<rec_progress> {
      if (auto rec = self->state.settings.directory->recommender())
        return self->delegate(rec, a, spec);
      return recommender_restarting();
    },
    [=](rec_prog_atom a, const std::string& id) -> caf::result<rec_progress> {
      if (auto rec = self->state.settings.directory->recommender())
        return self->delegate(rec, a, id);
      return recommender_restarting();
    },
    [=](cache_refresh_atom, int32_t batch) {
      return refresh_every_cache(self, batch);
    },
    [=](cache_stats_atom) { return every_cache_stats(self); },
    // -- cluster -------------------------------------------------------
    [=](clu_status_atom a) -> caf::result<cluster_status> {
      if (auto cluster = cluster_of(self))
        return self->delegate(cluster, a);
      return no_cluster();
    },
    [=](clu_events_atom a,
        int32_t limit) -> caf::result<std::vector<cluster_event>> {
      if (limit < 1 || limit > 10000)
        return make_error(errc::invalid_argument,
                          "limit: must be between 1 and 10000");
      if (auto cluster = cluster_of(self))
        return self->delegate(cluster, a, limit);
      return no_cluster();
    },
    [=](clu_leave_atom a, const std::string& node) -> caf::result<std::string> {
      if (auto cluster = cluster_of(self))
        return self->delegate(cluster, a, node);
      return no_cluster();
    },
    [=](clu_route_atom, const shard_route& route) { on_route(self, route); },
    [=](clu_lost_atom, const std::string& node) { on_node_lost(self, node); },
    [=](clu_quorum_atom, const std::string& why) { on_quorum(self, why); },
    [=](park_expired_atom, uint64_t id) { on_park_expired(self, id); },
    // -- debug ---------------------------------------------------------
    // -- jobs: this node's runner answers from the catalog ---------------
    [=](job_submit_atom a, const std::string& kind, const std::string& args) {
      return to_job_runner<job_record>(self, a, kind, args);
    },
    [=](job_submit_atom a, const std::string& kind, const std::string& args,
        int32_t count) {
      return to_job_runner<std::vector<int64_t>>(self, a, kind, args, count);
    },
    [=](job_status_atom a, int64_t id) {
      return to_job_runner<job_record>(self, a, id);
    },
    [=](job_cancel_atom a, int64_t id) {
      return to_job_runner<job_record>(self, a, id);
    },
    [=](job_list_atom a, bool active, int32_t limit) {
      return to_job_runner<std::vector<job_record>>(self, a, active, limit);
    },
    [=](job_workers_atom a) {
      return to_job_runner<std::vector<job_worker_stats>>(self, a);
    },
    [=](sch_list_atom a) { return to_scheduler<schedule_table>(self, a); },
    [=](sch_trig_atom a, const std::string& name) {
      return to_scheduler<job_record>(self, a, name);
    },
    [=](dbg_crash_atom, const std::string& path, bool every_message) {
      return debug_crash(self, path, every_message);
    },
    [=](dbg_heal_atom, const std::string& path) {
      return debug_heal(self, path);
    },
    [=](dbg_tree_atom) { return debug_tree(self); },
    [=](dbg_crash_atom) -> void {
      throw injected_fault(node_directory::gateway_name);
    },
  };
}

} // namespace

router_actor spawn_gateway(caf::local_actor* parent,
                           gateway_settings settings) {
  return parent->spawn(gateway, std::move(settings));
}

} // namespace lunch
