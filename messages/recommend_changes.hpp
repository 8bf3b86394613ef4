#pragma once

// Building the change notices of messages/recommend_model.hpp (`rec_change`)
// from the domain events (actors/events/events.cpp). CAF-free, so the
// receiver can use the same kind names.

#include <string>

#include "messages/model.hpp"
#include "messages/recommend_model.hpp"

namespace lunch::rec_kind {

inline constexpr const char* user_upsert = "user_upsert";
inline constexpr const char* user_delete = "user_delete";
inline constexpr const char* member_add = "member_add";
inline constexpr const char* member_remove = "member_remove";
inline constexpr const char* calendar_add = "calendar_add";
inline constexpr const char* calendar_delete = "calendar_delete";

} // namespace lunch::rec_kind

namespace lunch {

/// A user's profile changed or the user is gone (`user.employee_id`).
inline bool is_user_change(const rec_change& c) {
  return c.kind == rec_kind::user_upsert || c.kind == rec_kind::user_delete;
}

inline rec_change user_deleted(const std::string& employee_id) {
  rec_change c;
  c.kind = rec_kind::user_delete;
  c.user.employee_id = employee_id;
  return c;
}

/// `kind` is rec_kind::member_add or rec_kind::member_remove.
inline rec_change membership(const char* kind, const std::string& employee_id,
                             const std::string& party_date, int64_t party_id) {
  rec_change c;
  c.kind = kind;
  c.busy = rec_busy{employee_id, party_date, party_id};
  return c;
}

/// `kind` is rec_kind::calendar_add or rec_kind::calendar_delete.
inline rec_change calendar_changed(const char* kind, const calendar_entry& e) {
  rec_change c;
  c.kind = kind;
  c.entry = e;
  return c;
}

} // namespace lunch
