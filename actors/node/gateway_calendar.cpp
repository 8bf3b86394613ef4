#include "actors/node/gateway_calendar.hpp"

#include "actors/node/routing.hpp"
#include "actors/user/calendar_rules.hpp"

namespace lunch {

namespace {

caf::error no_user() {
  return make_error(errc::invalid_argument, "employee_id: required");
}

} // namespace

caf::result<calendar_entry>
add_calendar_entry(gateway_self self, calendar_entry e, const request_id& rid) {
  if (auto v = validate_calendar_entry(e); !v.ok())
    return make_error(v);
  e.id = 0;
  e.created_at.clear();
  auto shard = shard_of_user(self, e.employee_id);
  // Only a write with a request id is safe to send twice.
  return forward<calendar_entry>(self, shard, retryable(rid),
                                 cal_add_atom::value, e, rid);
}

caf::result<std::vector<calendar_entry>> list_calendar(gateway_self self,
                                                       const user_key& user) {
  if (user.value.empty())
    return no_user();
  return forward<std::vector<calendar_entry>>(
    self, shard_of_user(self, user.value), true, cal_list_atom::value, user);
}

caf::result<calendar_entry>
delete_calendar_entry(gateway_self self, const user_key& user, int64_t id,
                      const request_id& rid) {
  if (user.value.empty())
    return no_user();
  if (id <= 0)
    return make_error(errc::not_found, "calendar entry " + std::to_string(id)
                                         + " of user " + user.value
                                         + " not found");
  return forward<calendar_entry>(self, shard_of_user(self, user.value),
                                 retryable(rid), cal_delete_atom::value, user,
                                 id, rid);
}

} // namespace lunch
