#pragma once

// Validation and updates of user profiles (spec §2.1, §3.1, S3, S4, S26).
// CAF-free.

#include <string>
#include <string_view>
#include <vector>

#include "messages/errc.hpp"
#include "messages/model.hpp"
#include "messages/wire_formats.hpp"

namespace lunch {

/// Fields a `user_patch` may name. Everything but employee_id/created_at.
const std::vector<std::string>& user_patch_fields();

/// "" or one of 남, 여, 기타 (also accepts male, female, other).
bool is_known_gender(std::string_view s);

/// "" or one of 10대, 20대, 30대, 40대, 50대, 60대 (or 10s … 60s).
bool is_known_age_group(std::string_view s);

/// Number of Unicode code points of a UTF-8 string.
size_t utf8_length(std::string_view s);

/// Valid UTF-8 of at most `max_length` code points (invalid_argument
/// naming the field otherwise).
outcome check_text(std::string_view field, std::string_view s,
                   size_t max_length);

/// Checks a profile for create: employee_id 1–50 chars, nickname 1–50 chars,
/// preferred_time empty or HH:MM, known gender and age group. The message
/// names the field first, e.g. "nickname: must be 1-50 characters".
outcome validate_profile(const user_profile& p);

/// Checks that every named field is known and its value valid.
outcome validate_patch(const user_patch& patch);

/// Copies the named fields of `patch.values` into `target`.
void apply_patch(user_profile& target, const user_patch& patch);

/// Defaults of a new user as in the old app (spec §2.1): lunch styles
/// [새로운 맛집 탐방], preferred_time 12:00, frequent areas [강남구, 서초구],
/// notifications [push_notification, party_reminder], where left empty.
void fill_defaults(user_profile& p);

} // namespace lunch
