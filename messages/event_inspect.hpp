#pragma once

// Serialisation of the event records for CAF (registered in
// runtime/system_config.cpp).

#include <caf/meta/type_name.hpp>

#include "messages/event_model.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, domain_event& x) {
  return f(caf::meta::type_name("lunch::domain_event"), x.id, x.entity, x.kind,
           x.payload, x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_cursor& x) {
  return f(caf::meta::type_name("lunch::event_cursor"), x.subscriber, x.upto);
}

} // namespace lunch
