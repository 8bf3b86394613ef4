#pragma once

// Serialisation of the notification records for CAF (registered in
// runtime/system_config.cpp).

#include <caf/meta/type_name.hpp>

#include "messages/notification_model.hpp"

namespace lunch {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification& x) {
  return f(caf::meta::type_name("lunch::notification"), x.id, x.employee_id,
           x.type, x.title, x.message, x.related_id, x.related_type, x.is_read,
           x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification_inbox& x) {
  return f(caf::meta::type_name("lunch::notification_inbox"), x.unread_count,
           x.notifications);
}

} // namespace lunch
