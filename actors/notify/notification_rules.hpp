#pragma once

// The rules of the notification inbox (spec §10.1, §5, S19): icons,
// defaults, validation and the inbox's answer texts. CAF-free.

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/errc.hpp"
#include "messages/notification_model.hpp"

namespace lunch {

/// `GET /notifications/<id>` shows the newest 50.
inline constexpr int64_t inbox_size = 50;

/// The cleanup job deletes notifications older than this (spec §5).
inline constexpr int32_t notification_retention_days = 30;

/// The icon of a type (§10.1): party_invite 🎉, party_join 👥, party_cancel
/// ❌, party_reminder ⏰, friend_request 👋, friend_accept ✅, chat_message
/// 💬, points_earned ⭐, badge_earned 🏆, review_like ❤️, system 📢;
/// any other type 📄.
std::string notification_icon(std::string_view type);

/// Fills what the old app's bulk sender defaulted (spec §5,
/// send_bulk_notifications_async): an empty title becomes "알림", an empty
/// message "새로운 알림이 있습니다.". The type has no default: it is
/// required.
void apply_notification_defaults(notification& n);

/// Checks a new notification (after the defaults): employee_id required;
/// type 1–50 of [a-z0-9_]; title 1–100 characters (the old column was
/// VARCHAR(100)); message 1–1000; related_id ≥ 0 (0 = none); related_type
/// at most 50. The message names the field first, e.g. "type: required".
outcome validate_notification(const notification& n);

/// The answer of read-all. The spec gives it as "{n} notifications marked
/// read"; the old app said it in Korean, as here.
std::string read_all_message(int64_t n);

/// The answer of clear-read (the spec gives no wording): "{n} read
/// notifications deleted", in Korean.
std::string clear_read_message(int64_t n);

} // namespace lunch
