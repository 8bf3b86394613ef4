#pragma once

// Serialisation of the recommendation results (recommend_results.hpp);
// registered in runtime/system_config.cpp.

#include <caf/meta/type_name.hpp>

#include "messages/recommend_results.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_member& x) {
  return f(caf::meta::type_name("lunch::rec_member"), x.employee_id, x.nickname,
           x.lunch_preference, x.main_dish_genre, x.last_dining_together);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_item& x) {
  return f(caf::meta::type_name("lunch::rec_item"), x.proposed_date,
           x.recommended_group);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_day& x) {
  return f(caf::meta::type_name("lunch::rec_day"), x.date, x.items);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, daily_member& x) {
  return f(caf::meta::type_name("lunch::daily_member"), x.nickname,
           x.lunch_preference, x.employee_id, x.compatibility_score,
           x.last_dining_together);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, daily_group& x) {
  return f(caf::meta::type_name("lunch::daily_group"), x.for_user,
           x.proposed_date, x.recommended_group);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, suggest_member& x) {
  return f(caf::meta::type_name("lunch::suggest_member"), x.employee_id,
           x.nickname, x.lunch_preference, x.main_dish_genre, x.gender,
           x.age_group);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, suggest_group& x) {
  return f(caf::meta::type_name("lunch::suggest_group"), x.group_id, x.users);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_build_spec& x) {
  return f(caf::meta::type_name("lunch::rec_build_spec"), x.from, x.days,
           x.seed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_progress& x) {
  return f(caf::meta::type_name("lunch::rec_progress"), x.build_id, x.state,
           x.today, x.from, x.days, x.users_total, x.users_done, x.entries,
           x.shards_total, x.shards_done, x.elapsed_ms, x.error);
}

} // namespace lunch
