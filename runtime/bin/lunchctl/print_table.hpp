#pragma once

// lunchctl's text layout, shared by every printer: aligned columns and
// "key: value" lines.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lunch::ctl {

/// Prints rows as aligned columns (wide Hangul/CJK characters count 2).
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

/// Prints "key: value" lines for a flat JSON object.
void print_fields(const nlohmann::json& object);

} // namespace lunch::ctl
