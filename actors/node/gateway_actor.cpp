#include "actors/node/gateway_actor.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "actors/party/party_rules.hpp"
#include "actors/region/region_actor.hpp"
#include "actors/shard/slot_map.hpp"
#include "actors/user/user_rules.hpp"
#include "messages/errors.hpp"
#include "runtime/gather.hpp"
#include "runtime/log.hpp"

namespace lunch {

namespace {

struct gateway_state {
  gateway_settings settings;
  slot_map slots = slot_map::modulo(1);
  std::vector<region_actor> regions;
  std::chrono::steady_clock::time_point started
    = std::chrono::steady_clock::now();
  static inline const char* name = "lunch.gateway";
};

using self_ptr = gateway_actor::stateful_pointer<gateway_state>;
template <class T>
using promise = caf::typed_response_promise<T>;

region_actor& region_of_user(self_ptr self, const std::string& id) {
  return self->state.regions[self->state.slots.shard_of_key(id)];
}

region_actor& region_of_party(self_ptr self, int64_t id) {
  return self->state.regions[self->state.slots.shard_of_party(id)];
}

caf::timespan timeout(self_ptr self) {
  return self->state.settings.timeout;
}

// "shards 1, 3 unavailable: <first error>" for answers that failed.
template <class T>
caf::error first_failure(const std::vector<answer<T>>& answers) {
  std::string shards;
  caf::error first;
  for (size_t i = 0; i < answers.size(); ++i)
    if (!answers[i].value) {
      shards += (shards.empty() ? "" : ", ") + std::to_string(i);
      if (!first)
        first = answers[i].error;
    }
  if (!first)
    return {};
  auto code = errc_of(first);
  return make_error(code == errc::timeout ? code : errc::unavailable,
                    "shard " + shards + " did not answer: "
                      + (message_of(first).empty() ? to_string(code)
                                                   : message_of(first)));
}

// Asks every region the same question.
template <class T, class Done, class... Ts>
void ask_all(self_ptr self, Done done, Ts... xs) {
  auto regions = self->state.regions;
  gather<T>(
    regions.size(),
    [=](size_t i) { return self->request(regions[i], timeout(self), xs...); },
    std::move(done));
}

// Resolves member ids to names; a member that cannot be resolved (deleted,
// or on an unreachable shard) is shown by id only.
template <class Done>
void resolve_members(self_ptr self, const party_record& p, Done done) {
  auto ids = p.member_ids;
  auto host = p.host_employee_id;
  gather<member_view>(
    ids.size(),
    [=](size_t i) {
      return self->request(region_of_user(self, ids[i]), timeout(self),
                           usr_brief_atom::value, ids[i]);
    },
    [=](std::vector<answer<member_view>> answers) mutable {
      std::vector<member_view> members;
      for (size_t i = 0; i < ids.size(); ++i) {
        member_view m;
        if (answers[i].value)
          m = *answers[i].value;
        else
          m.employee_id = ids[i];
        m.is_host = ids[i] == host;
        members.push_back(std::move(m));
      }
      done(std::move(members));
    });
}

void deliver_enriched(self_ptr self, party_view v, promise<party_view> rp) {
  if (v.deleted) {
    rp.deliver(std::move(v));
    return;
  }
  auto party = v.party;
  resolve_members(self, party, [=](std::vector<member_view> members) mutable {
    rp.deliver(party_view{party, std::move(members), false});
  });
}

// Forwards a party command to its entity and fills in the members.
template <class... Ts>
void forward_party_command(self_ptr self, promise<party_view> rp, int64_t id,
                           Ts... xs) {
  if (id <= 0) {
    rp.deliver(make_error(errc::not_found,
                          "party " + std::to_string(id) + " not found"));
    return;
  }
  self->request(region_of_party(self, id), timeout(self), xs...)
    .then([=](party_view& v) mutable { deliver_enriched(self, v, rp); },
          [=](caf::error& e) mutable { rp.deliver(e); });
}

template <class... Ts>
promise<party_view> party_command(self_ptr self, int64_t id, Ts... xs) {
  auto rp = self->make_response_promise<party_view>();
  forward_party_command(self, rp, id, xs...);
  return rp;
}

// Runs `next` once every id names an existing user; replies not_found (or
// the first failure) otherwise.
template <class T, class Next>
void require_users(self_ptr self, std::vector<std::string> ids, promise<T> rp,
                   Next next) {
  gather<member_view>(
    ids.size(),
    [=](size_t i) {
      return self->request(region_of_user(self, ids[i]), timeout(self),
                           usr_brief_atom::value, ids[i]);
    },
    [=](std::vector<answer<member_view>> answers) mutable {
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

void start_regions(self_ptr self) {
  auto& st = self->state;
  auto shards = static_cast<int32_t>(st.settings.shard_dsns.size());
  st.regions.clear();
  for (int32_t i = 0; i < shards; ++i)
    st.regions.push_back(
      spawn_region(self,
                   {i, shards, st.settings.shard_dsns[i], st.settings.timeout,
                    st.settings.passivate_after},
                   caf::actor_cast<gateway_actor>(self)));
}

void on_exit(self_ptr self, caf::exit_msg& msg) {
  auto& regions = self->state.regions;
  for (size_t i = 0; i < regions.size(); ++i)
    if (regions[i].address() == msg.source) {
      log::error("region.crashed", {{"shard", std::to_string(i)},
                                    {"reason", to_string(msg.reason)}});
      auto& st = self->state;
      regions[i] = spawn_region(self,
                                {static_cast<int32_t>(i),
                                 static_cast<int32_t>(regions.size()),
                                 st.settings.shard_dsns[i], st.settings.timeout,
                                 st.settings.passivate_after},
                                caf::actor_cast<gateway_actor>(self));
      return;
    }
  self->quit(msg.reason);
}

gateway_actor::behavior_type gateway(self_ptr self, gateway_settings settings) {
  auto shards = static_cast<int32_t>(settings.shard_dsns.size());
  self->state.slots = slot_map{settings.slot_table, shards};
  self->state.settings = std::move(settings);
  self->set_exit_handler([=](caf::exit_msg& msg) { on_exit(self, msg); });
  start_regions(self);
  return {
    // -- users ---------------------------------------------------------
    [=](usr_create_atom a, const user_profile& p) -> caf::result<user_view> {
      if (auto v = validate_profile(p); !v.ok())
        return make_error(v);
      return self->delegate(region_of_user(self, p.employee_id), a, p);
    },
    [=](usr_get_atom a, const std::string& id) {
      return self->delegate(region_of_user(self, id), a, id);
    },
    [=](usr_update_atom a, const user_patch& p) {
      return self->delegate(region_of_user(self, p.values.employee_id), a, p);
    },
    [=](usr_brief_atom a, const std::string& id) {
      return self->delegate(region_of_user(self, id), a, id);
    },
    [=](usr_delete_atom a, const std::string& id) {
      // Existence first, then the memberships and ledger rows on every
      // shard, then the user row: a failed purge leaves the user intact
      // and the delete can be retried.
      auto rp = self->make_response_promise<user_view>();
      auto& home = region_of_user(self, id);
      self->request(home, timeout(self), usr_get_atom::value, id)
        .then(
          [=](user_view&) mutable {
            ask_all<std::vector<int64_t>>(
              self,
              [=](std::vector<answer<std::vector<int64_t>>> answers) mutable {
                if (auto err = first_failure(answers)) {
                  rp.deliver(err);
                  return;
                }
                self->request(region_of_user(self, id), timeout(self), a, id)
                  .then([=](user_view& v) mutable { rp.deliver(v); },
                        [=](caf::error& e) mutable { rp.deliver(e); });
              },
              db_purge_atom::value, id);
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
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
        self,
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
    [=](pty_create_atom a, party_record p) -> caf::result<party_view> {
      normalize_members(p);
      if (auto v = validate_new_party(p); !v.ok())
        return make_error(v);
      auto rp = self->make_response_promise<party_view>();
      require_users(self, p.member_ids, rp, [=]() mutable {
        self
          ->request(region_of_user(self, p.host_employee_id), timeout(self), a,
                    p)
          .then([=](party_view& v) mutable { deliver_enriched(self, v, rp); },
                [=](caf::error& e) mutable { rp.deliver(e); });
      });
      return rp;
    },
    [=](pty_get_atom a, int64_t id) { return party_command(self, id, a, id); },
    [=](pty_join_atom a, int64_t id,
        const std::string& user) -> caf::result<party_view> {
      if (user.empty())
        return make_error(errc::invalid_argument, "employee_id: required");
      auto rp = self->make_response_promise<party_view>();
      require_users(self, {user}, rp, [=]() mutable {
        forward_party_command(self, rp, id, a, id, user);
      });
      return rp;
    },
    [=](pty_leave_atom a, int64_t id, const std::string& user) {
      return party_command(self, id, a, id, user);
    },
    [=](pty_update_atom a, const party_patch& p) {
      return party_command(self, p.id, a, p);
    },
    [=](pty_delete_atom a, int64_t id, const std::string& user) {
      return party_command(self, id, a, id, user);
    },
    [=](pty_mine_atom a, const std::string& user, bool regular_only) {
      auto rp = self->make_response_promise<std::vector<party_view>>();
      ask_all<std::vector<party_record>>(
        self,
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
          gather<party_view>(
            all.size(),
            [=](size_t i) {
              // Member names come from the user entities, via the gateway.
              return self->request(caf::actor_cast<gateway_actor>(self),
                                   timeout(self), pty_get_atom::value,
                                   all[i].id);
            },
            [=](std::vector<answer<party_view>> views) mutable {
              std::vector<party_view> result;
              for (size_t i = 0; i < views.size(); ++i)
                result.push_back(views[i].value
                                   ? *views[i].value
                                   : party_view{all[i], {}, false});
              rp.deliver(std::move(result));
            });
        },
        a, user);
      return rp;
    },
    [=](pty_list_atom a, party_filter filter) {
      auto rp = self->make_response_promise<std::vector<party_record>>();
      filter.limit = std::clamp(filter.limit, 1, 1000);
      ask_all<std::vector<party_record>>(
        self,
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
        self,
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
        self,
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
        self,
        [=](std::vector<answer<region_status>> regions) mutable {
          ask_all<shard_stats>(
            self,
            [=](std::vector<answer<shard_stats>> stats) mutable {
              auto& st = self->state;
              node_status s;
              s.node = st.settings.node;
              s.host = st.settings.host;
              s.port = st.settings.port;
              s.shard_count = static_cast<int32_t>(st.regions.size());
              s.uptime_ms
                = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - st.started)
                    .count();
              for (auto& r : regions)
                if (r.value) {
                  s.active_users += r.value->active_users;
                  s.active_parties += r.value->active_parties;
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
      self->send(region_of_user(self, award.employee_id), a, award);
    },
    [=](pts_scan_atom a, const std::string& user) {
      auto rp = self->make_response_promise<std::vector<points_mark>>();
      ask_all<points_mark>(
        self,
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
  };
}

} // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_settings settings) {
  return sys.spawn(gateway, std::move(settings));
}

} // namespace lunch
