#include "actors/node/gateway_actor.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <caf/all.hpp>

#include "actors/node/gateway_cache.hpp"
#include "actors/node/gateway_calendar.hpp"
#include "actors/node/gateway_debug.hpp"
#include "actors/node/gateway_jobs.hpp"
#include "actors/node/gateway_maintenance.hpp"
#include "actors/node/gateway_notify.hpp"
#include "actors/node/gateway_recommend.hpp"
#include "actors/node/routing.hpp"
#include "actors/party/party_rules.hpp"
#include "actors/recommend/recommender_actor.hpp"
#include "actors/region/region_actor.hpp"
#include "actors/user/user_rules.hpp"
#include "messages/errors.hpp"
#include "runtime/crash_reply.hpp"
#include "runtime/log.hpp"
#include "runtime/node_directory.hpp"

namespace lunch {

namespace {

using self_ptr = gateway_self;
template <class T>
using promise = caf::typed_response_promise<T>;

// Reads may be sent twice (to a new owner after a failover); writes only
// when they never reached an entity.
constexpr bool read = true;
constexpr bool write = false;

// A write with a request id is applied at most once, so it may be sent
// again too.
bool retryable(const std::string& request_id) {
  return !request_id.empty();
}

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

int32_t shard_of_user(self_ptr self, const std::string& id) {
  return self->state.slots.shard_of_key(id);
}

int32_t shard_of_party(self_ptr self, int64_t id) {
  return self->state.slots.shard_of_party(id);
}

int32_t shard_count(self_ptr self) {
  return static_cast<int32_t>(self->state.routes.size());
}

// The briefs (name, preferences) of `ids`, in their order: one request per
// shard holding some of them, not one per user. An unknown user's answer
// is `not_found`; a shard that fails gives its error to all of its users.
template <class Done>
void ask_briefs(self_ptr self, const std::vector<std::string>& ids, Done done) {
  std::map<int32_t, std::vector<size_t>> by_shard;
  for (size_t i = 0; i < ids.size(); ++i)
    by_shard[shard_of_user(self, ids[i])].push_back(i);
  std::vector<int32_t> shards;
  std::vector<std::vector<size_t>> positions;
  for (auto& [shard, at] : by_shard) {
    shards.push_back(shard);
    positions.push_back(std::move(at));
  }
  using briefs = std::vector<member_view>;
  gather_with<briefs>(
    shards.size(),
    [=](size_t k, auto ok, auto fail) {
      std::vector<std::string> batch;
      for (auto i : positions[k])
        batch.push_back(ids[i]);
      ask<briefs>(self, shards[k], read, ok, fail, usr_brief_atom::value,
                  std::move(batch));
    },
    [=](std::vector<answer<briefs>> answers) mutable {
      std::vector<answer<member_view>> result(ids.size());
      for (size_t k = 0; k < answers.size(); ++k)
        for (size_t j = 0; j < positions[k].size(); ++j) {
          auto& out = result[positions[k][j]];
          if (!answers[k].value || answers[k].value->size() <= j)
            out.error = answers[k].error;
          else if (auto& brief = (*answers[k].value)[j];
                   !brief.employee_id.empty())
            out.value = std::move(brief);
          else
            out.error = make_error(errc::not_found, "no such user");
        }
      done(std::move(result));
    });
}

// The member views of a party from the briefs of its members; one that
// cannot be resolved (deleted, or on an unreachable shard) is shown by id.
std::vector<member_view> members_of(const party_record& p,
                                    std::vector<answer<member_view>>& briefs,
                                    size_t first) {
  std::vector<member_view> members;
  for (size_t i = 0; i < p.member_ids.size(); ++i) {
    auto& brief = briefs[first + i];
    member_view m;
    if (brief.value)
      m = *brief.value;
    else
      m.employee_id = p.member_ids[i];
    m.is_host = p.member_ids[i] == p.host_employee_id;
    members.push_back(std::move(m));
  }
  return members;
}

// Resolves the members of every party with one batch of briefs.
template <class Done>
void resolve_parties(self_ptr self, std::vector<party_record> parties,
                     Done done) {
  std::vector<std::string> ids;
  for (auto& p : parties)
    ids.insert(ids.end(), p.member_ids.begin(), p.member_ids.end());
  ask_briefs(self, ids, [=](std::vector<answer<member_view>> briefs) mutable {
    std::vector<party_view> views;
    size_t first = 0;
    for (auto& p : parties) {
      views.push_back(party_view{p, members_of(p, briefs, first), false});
      first += p.member_ids.size();
    }
    done(std::move(views));
  });
}

void deliver_enriched(self_ptr self, party_view v, promise<party_view> rp) {
  if (v.deleted) {
    rp.deliver(std::move(v));
    return;
  }
  resolve_parties(self, {v.party}, [=](std::vector<party_view> views) mutable {
    rp.deliver(std::move(views.front()));
  });
}

// Forwards a party command to its entity and fills in the members.
template <class... Ts>
void forward_party_command(self_ptr self, promise<party_view> rp, int64_t id,
                           bool safe, Ts... xs) {
  if (id <= 0) {
    rp.deliver(make_error(errc::not_found,
                          "party " + std::to_string(id) + " not found"));
    return;
  }
  ask<party_view>(
    self, shard_of_party(self, id), safe,
    [=](party_view& v) mutable { deliver_enriched(self, v, rp); },
    [=](caf::error& e) mutable { rp.deliver(e); }, xs...);
}

template <class... Ts>
promise<party_view>
party_command(self_ptr self, int64_t id, bool safe, Ts... xs) {
  auto rp = self->make_response_promise<party_view>();
  forward_party_command(self, rp, id, safe, xs...);
  return rp;
}

// Runs `next` once every id names an existing user; replies not_found (or
// the first failure) otherwise.
template <class T, class Next>
void require_users(self_ptr self, std::vector<std::string> ids, promise<T> rp,
                   Next next) {
  ask_briefs(self, ids, [=](std::vector<answer<member_view>> answers) mutable {
    for (size_t i = 0; i < answers.size(); ++i)
      if (!answers[i].value) {
        auto code = errc_of(answers[i].error);
        rp.deliver(code == errc::not_found
                     ? make_error(code, "user " + ids[i] + " not found")
                     : answers[i].error);
        return;
      }
    next();
  });
}

bool party_order(const party_record& a, const party_record& b) {
  return std::tie(a.party_date, a.party_time, a.id)
         > std::tie(b.party_date, b.party_time, b.id);
}

caf::result<user_view> create_user(self_ptr self, usr_create_atom a,
                                   const user_profile& p,
                                   const std::string& rid) {
  if (auto v = validate_profile(p); !v.ok())
    return make_error(v);
  return forward<user_view>(self, shard_of_user(self, p.employee_id),
                            retryable(rid), a, p, rid);
}

// Existence first, then the memberships and ledger rows on every shard,
// then the user row: a failed purge leaves the user intact and the delete
// can be retried (the purge itself is idempotent).
promise<user_view> delete_user(self_ptr self, usr_delete_atom a,
                               const std::string& id, const std::string& rid) {
  auto rp = self->make_response_promise<user_view>();
  auto home = shard_of_user(self, id);
  auto purge_and_delete = [=]() mutable {
    ask_all<std::vector<int64_t>>(
      self, true,
      [=](std::vector<answer<std::vector<int64_t>>> answers) mutable {
        if (auto err = first_failure(answers)) {
          rp.deliver(err);
          return;
        }
        ask<user_view>(
          self, home, retryable(rid),
          [=](user_view& v) mutable { rp.deliver(v); },
          [=](caf::error& e) mutable { rp.deliver(e); }, a, id, rid);
      },
      db_purge_atom::value, id);
  };
  ask<user_view>(
    self, home, read, [=](user_view&) mutable { purge_and_delete(); },
    [=](caf::error& e) mutable {
      // A repeated delete finds the user gone: the entity answers it from
      // the request log.
      if (errc_of(e) == errc::not_found && retryable(rid))
        ask<user_view>(
          self, home, true, [=](user_view& v) mutable { rp.deliver(v); },
          [=](caf::error& e) mutable { rp.deliver(e); }, a, id, rid);
      else
        rp.deliver(e);
    },
    usr_get_atom::value, id);
  return rp;
}

caf::result<party_view> create_party(self_ptr self, pty_create_atom a,
                                     party_record p, const std::string& rid) {
  normalize_members(p);
  if (auto v = validate_new_party(p); !v.ok())
    return make_error(v);
  auto rp = self->make_response_promise<party_view>();
  require_users(self, p.member_ids, rp, [=]() mutable {
    ask<party_view>(
      self, shard_of_user(self, p.host_employee_id), retryable(rid),
      [=](party_view& v) mutable { deliver_enriched(self, v, rp); },
      [=](caf::error& e) mutable { rp.deliver(e); }, a, p, rid);
  });
  return rp;
}

caf::result<party_view> join_party(self_ptr self, pty_join_atom a, int64_t id,
                                   const std::string& user,
                                   const std::string& rid) {
  if (user.empty())
    return make_error(errc::invalid_argument, "employee_id: required");
  auto rp = self->make_response_promise<party_view>();
  require_users(self, {user}, rp, [=]() mutable {
    forward_party_command(self, rp, id, retryable(rid), a, id, user, rid);
  });
  return rp;
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
    [=](usr_create_atom a, const user_profile& p) {
      return create_user(self, a, p, {});
    },
    [=](usr_create_atom a, const user_profile& p, const std::string& rid) {
      return create_user(self, a, p, rid);
    },
    [=](usr_get_atom a, const std::string& id) {
      return forward<user_view>(self, shard_of_user(self, id), read, a, id);
    },
    [=](usr_update_atom a, const user_patch& p) {
      return forward<user_view>(self, shard_of_user(self, p.values.employee_id),
                                write, a, p, std::string{});
    },
    [=](usr_update_atom a, const user_patch& p, const std::string& rid) {
      return forward<user_view>(self, shard_of_user(self, p.values.employee_id),
                                retryable(rid), a, p, rid);
    },
    [=](usr_delete_atom a, const std::string& id) {
      return delete_user(self, a, id, {});
    },
    [=](usr_delete_atom a, const std::string& id, const std::string& rid) {
      return delete_user(self, a, id, rid);
    },
    [=](usr_search_atom a, const std::string& term,
        int32_t limit) -> caf::result<std::vector<user_summary>> {
      if (term.empty())
        return make_error(errc::invalid_argument,
                          "q: a search term is required");
      if (limit < 1 || limit > 1000)
        return make_error(errc::invalid_argument,
                          "limit: must be between 1 and 1000");
      auto rp = self->make_response_promise<std::vector<user_summary>>();
      ask_all<std::vector<user_summary>>(
        self, read,
        [=](std::vector<answer<std::vector<user_summary>>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<user_summary> all;
          for (auto& x : answers)
            all.insert(all.end(), x.value->begin(), x.value->end());
          std::sort(all.begin(), all.end(), [](auto& x, auto& y) {
            return std::tie(x.nickname, x.employee_id)
                   < std::tie(y.nickname, y.employee_id);
          });
          if (all.size() > static_cast<size_t>(limit))
            all.resize(limit);
          rp.deliver(std::move(all));
        },
        a, term, limit);
      return rp;
    },
    [=](usr_shard_atom, const std::string& key) {
      auto slot = slot_of(key);
      return key_location{key, slot, self->state.slots.shard_of_slot(slot)};
    },
    // -- parties -------------------------------------------------------
    [=](pty_create_atom a, const party_record& p) {
      return create_party(self, a, p, {});
    },
    [=](pty_create_atom a, const party_record& p, const std::string& rid) {
      return create_party(self, a, p, rid);
    },
    [=](pty_get_atom a, int64_t id) {
      return party_command(self, id, read, a, id);
    },
    [=](pty_join_atom a, int64_t id, const std::string& user) {
      return join_party(self, a, id, user, {});
    },
    [=](pty_join_atom a, int64_t id, const std::string& user,
        const std::string& rid) { return join_party(self, a, id, user, rid); },
    [=](pty_leave_atom a, int64_t id, const std::string& user) {
      return party_command(self, id, write, a, id, user, std::string{});
    },
    [=](pty_leave_atom a, int64_t id, const std::string& user,
        const std::string& rid) {
      return party_command(self, id, retryable(rid), a, id, user, rid);
    },
    [=](pty_update_atom a, const party_patch& p) {
      return party_command(self, p.id, write, a, p, std::string{});
    },
    [=](pty_update_atom a, const party_patch& p, const std::string& rid) {
      return party_command(self, p.id, retryable(rid), a, p, rid);
    },
    [=](pty_delete_atom a, int64_t id, const std::string& user) {
      return party_command(self, id, write, a, id, user, std::string{});
    },
    [=](pty_delete_atom a, int64_t id, const std::string& user,
        const std::string& rid) {
      return party_command(self, id, retryable(rid), a, id, user, rid);
    },
    [=](pty_mine_atom a, const std::string& user, bool regular_only) {
      auto rp = self->make_response_promise<std::vector<party_view>>();
      ask_all<std::vector<party_record>>(
        self, read,
        [=](std::vector<answer<std::vector<party_record>>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<party_record> all;
          for (auto& x : answers)
            for (auto& p : *x.value)
              if (!regular_only || !p.is_from_match)
                all.push_back(std::move(p));
          std::sort(all.begin(), all.end(), party_order);
          resolve_parties(self, std::move(all),
                          [=](std::vector<party_view> views) mutable {
                            rp.deliver(std::move(views));
                          });
        },
        a, user);
      return rp;
    },
    [=](pty_list_atom a, party_filter filter) {
      auto rp = self->make_response_promise<std::vector<party_record>>();
      filter.limit = std::clamp(filter.limit, 1, 1000);
      ask_all<std::vector<party_record>>(
        self, read,
        [=](std::vector<answer<std::vector<party_record>>> answers) mutable {
          if (auto err = first_failure(answers)) {
            rp.deliver(err);
            return;
          }
          std::vector<party_record> all;
          for (auto& x : answers)
            all.insert(all.end(), x.value->begin(), x.value->end());
          std::sort(all.begin(), all.end(),
                    [](auto& x, auto& y) { return x.id > y.id; });
          if (all.size() > static_cast<size_t>(filter.limit))
            all.resize(filter.limit);
          rp.deliver(std::move(all));
        },
        a, filter);
      return rp;
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
      // Best effort: a user entity that misses it rescans the ledgers.
      if (auto target = target_of(self, shard_of_user(self, award.employee_id)))
        self->send(target, a, award);
    },
    [=](pts_scan_atom a, const std::string& user) {
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
    [=](cal_add_atom, const calendar_entry& e) {
      return add_calendar_entry(self, e, {});
    },
    [=](cal_add_atom, const calendar_entry& e, const std::string& rid) {
      return add_calendar_entry(self, e, rid);
    },
    [=](cal_list_atom, const std::string& user) {
      return list_calendar(self, user);
    },
    [=](cal_delete_atom, const std::string& user, int64_t id) {
      return delete_calendar_entry(self, user, id, {});
    },
    [=](cal_delete_atom, const std::string& user, int64_t id,
        const std::string& rid) {
      return delete_calendar_entry(self, user, id, rid);
    },
    // -- the notification inbox ----------------------------------------
    [=](ntf_add_atom, const notification& n, const std::string& key) {
      return add_notification(self, n, key, {});
    },
    [=](ntf_add_atom, const notification& n, const std::string& key,
        const std::string& rid) { return add_notification(self, n, key, rid); },
    [=](ntf_add_atom, const std::vector<notification>& ns,
        const std::vector<std::string>& keys) {
      return add_notifications(self, ns, keys, {});
    },
    [=](ntf_add_atom, const std::vector<notification>& ns,
        const std::vector<std::string>& keys, const std::string& rid) {
      return add_notifications(self, ns, keys, rid);
    },
    [=](ntf_list_atom, const std::string& user, bool unread_only) {
      return list_notifications(self, user, unread_only);
    },
    [=](ntf_read_atom, int64_t id) { return read_notification(self, id, {}); },
    [=](ntf_read_atom, int64_t id, const std::string& rid) {
      return read_notification(self, id, rid);
    },
    [=](ntf_readall_atom, const std::string& user) {
      return read_all_notifications(self, user, {});
    },
    [=](ntf_readall_atom, const std::string& user, const std::string& rid) {
      return read_all_notifications(self, user, rid);
    },
    [=](ntf_delete_atom, int64_t id) {
      return delete_notification(self, id, {});
    },
    [=](ntf_delete_atom, int64_t id, const std::string& rid) {
      return delete_notification(self, id, rid);
    },
    [=](ntf_clear_atom, const std::string& user) {
      return clear_read_notifications(self, user, {});
    },
    [=](ntf_clear_atom, const std::string& user, const std::string& rid) {
      return clear_read_notifications(self, user, rid);
    },
    // -- data jobs: cleanup and user analytics (spec §5) -----------------
    [=](mnt_clean_atom, const std::string& today, const std::string& rid) {
      return cleanup_expired_data(self, today, rid);
    },
    [=](mnt_analytics_atom, const std::string& day, const std::string& user,
        const std::string& rid) {
      return process_user_analytics(self, day, user, rid);
    },
    [=](mnt_get_atom, const std::string& user, const std::string& day) {
      return read_user_analytics(self, user, day);
    },
    // -- recommendations -----------------------------------------------
    [=](rec_snapshot_atom, const std::string& today) {
      return recommend_snapshot(self, today);
    },
    [=](rec_change_atom, const rec_change& change) {
      spread_change(self, change);
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
