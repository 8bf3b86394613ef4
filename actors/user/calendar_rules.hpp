#pragma once

// Validation of personal calendar entries (spec §2.4, §10.4). CAF-free.

#include <string_view>

#include "messages/errc.hpp"
#include "messages/recommend_model.hpp"

namespace lunch {

/// "" (one day), "weekly", "monthly" or "yearly".
bool is_calendar_recurrence(std::string_view s);

/// Checks a new entry: employee_id required; date a real YYYY-MM-DD; title
/// 1–100 characters; description at most 1000; recurrence one of the four;
/// interval ≥ 1; until "" or a real date not before date, and only with a
/// recurrence. The message names the field first, e.g.
/// "until: must not be before date".
outcome validate_calendar_entry(const calendar_entry& e);

} // namespace lunch
