#pragma once

// Serialisation of the data-job records for CAF (registered in
// runtime/system_config.cpp).

#include <caf/meta/type_name.hpp>

#include "messages/maintenance_model.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cleanup_counts& x) {
  return f(caf::meta::type_name("lunch::cleanup_counts"), x.shard, x.parties,
           x.members, x.notifications, x.party_ids);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, analytics_counts& x) {
  return f(caf::meta::type_name("lunch::analytics_counts"), x.employee_id,
           x.parties_joined, x.parties_hosted, x.points_earned, x.points_today);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, analytics_summary& x) {
  return f(caf::meta::type_name("lunch::analytics_summary"), x.users, x.shards);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_analytics& x) {
  return f(caf::meta::type_name("lunch::user_analytics"), x.employee_id, x.day,
           x.parties_joined, x.parties_hosted, x.points_earned, x.points_today,
           x.preferences, x.updated_at);
}

} // namespace lunch
