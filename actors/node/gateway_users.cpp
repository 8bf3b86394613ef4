#include "actors/node/gateway_users.hpp"

#include <algorithm>
#include <tuple>

#include "actors/node/routing.hpp"
#include "actors/user/user_rules.hpp"
#include "messages/errors.hpp"

namespace lunch {

namespace {

using self_ptr = gateway_self;

// Reads may be sent twice (to a new owner after a failover); writes as
// retryable() says.
constexpr bool read = true;

} // namespace

caf::result<user_view> create_user(self_ptr self, const user_profile& p,
                                   const request_id& rid) {
  if (auto v = validate_profile(p); !v.ok())
    return make_error(v);
  return forward<user_view>(self, shard_of_user(self, p.employee_id),
                            retryable(rid), usr_create_atom::value, p, rid);
}

caf::result<user_view> get_user(self_ptr self, const user_key& id) {
  return read_through<user_view>(self, shard_of_user(self, id.value),
                                 usr_get_atom::value, id);
}

caf::result<user_view> update_user(self_ptr self, const user_patch& p,
                                   const request_id& rid) {
  // The change notice drops it on every node; here also at once, so a party
  // write through this node after the update shows the new brief.
  self->state.briefs.forget(p.values.employee_id);
  return forward<user_view>(self, shard_of_user(self, p.values.employee_id),
                            retryable(rid), usr_update_atom::value, p, rid);
}

caf::result<user_view> delete_user(self_ptr self, const user_key& id,
                                   const request_id& rid) {
  self->state.briefs.forget(id.value);
  auto rp = self->make_response_promise<user_view>();
  auto home = shard_of_user(self, id.value);
  auto remove = [=]() mutable {
    ask<user_view>(
      self, home, retryable(rid), [=](user_view& v) mutable { rp.deliver(v); },
      [=](caf::error& e) mutable { rp.deliver(e); }, usr_delete_atom::value, id,
      rid);
  };
  auto purge_and_delete = [=]() mutable {
    ask_all<std::vector<int64_t>>(
      self, true,
      [=](std::vector<answer<std::vector<int64_t>>> answers) mutable {
        if (auto err = first_failure(answers))
          rp.deliver(err);
        else
          remove();
      },
      db_purge_atom::value, id);
  };
  ask<user_view>(
    self, home, read, [=](user_view&) mutable { purge_and_delete(); },
    [=](caf::error& e) mutable {
      // A repeated delete finds the user gone: the entity answers it from
      // the request log.
      if (errc_of(e) == errc::not_found && retryable(rid))
        remove();
      else
        rp.deliver(e);
    },
    usr_get_atom::value, id);
  return rp;
}

caf::result<std::vector<user_summary>>
search_users(self_ptr self, const std::string& term, int32_t limit) {
  if (term.empty())
    return make_error(errc::invalid_argument, "q: a search term is required");
  if (limit < 1 || limit > 1000)
    return make_error(errc::invalid_argument,
                      "limit: must be between 1 and 1000");
  auto rp = self->make_response_promise<std::vector<user_summary>>();
  ask_all_joined<user_summary>(
    self, rp,
    [=](std::vector<user_summary> all) mutable {
      std::sort(all.begin(), all.end(), [](auto& x, auto& y) {
        return std::tie(x.nickname, x.employee_id)
               < std::tie(y.nickname, y.employee_id);
      });
      if (all.size() > static_cast<size_t>(limit))
        all.resize(limit);
      rp.deliver(std::move(all));
    },
    usr_search_atom::value, term, limit);
  return rp;
}

} // namespace lunch
