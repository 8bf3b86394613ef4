#pragma once

// Serialisation of the recommendation records (messages/recommend_model.hpp)
// for CAF. Every type here is registered in runtime/system_config.cpp under
// the same name on every node.

#include <caf/meta/type_name.hpp>

#include "messages/recommend_model.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, calendar_entry& x) {
  return f(caf::meta::type_name("lunch::calendar_entry"), x.id, x.employee_id,
           x.date, x.title, x.description, x.recurrence, x.interval, x.until,
           x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_user& x) {
  return f(caf::meta::type_name("lunch::rec_user"), x.employee_id, x.nickname,
           x.gender, x.age_group, x.main_dish_genre, x.lunch_styles,
           x.food_preferences, x.allergies, x.preferred_time, x.frequent_areas);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_count& x) {
  return f(caf::meta::type_name("lunch::rec_count"), x.employee_id, x.parties);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_busy& x) {
  return f(caf::meta::type_name("lunch::rec_busy"), x.employee_id, x.date,
           x.party_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_dined& x) {
  return f(caf::meta::type_name("lunch::rec_dined"), x.host, x.member, x.date);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_shard_snapshot& x) {
  return f(caf::meta::type_name("lunch::rec_shard_snapshot"), x.shard, x.users,
           x.counts, x.busy, x.dined, x.calendar);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rec_change& x) {
  return f(caf::meta::type_name("lunch::rec_change"), x.kind, x.user, x.busy,
           x.entry);
}

} // namespace lunch
