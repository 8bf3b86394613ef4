#pragma once

// The order in which recommendations iterate users and break score ties
// (docs/recommend.md "User order"): the natural order of employee_id, which
// equals the old app's users.id order for the seed users "1"…"20".

#include <string_view>

namespace lunch::rec {

/// Whether `a` comes before `b`: digit runs compare by value, a digit run
/// sorts before any other run, other runs compare bytewise, a prefix comes
/// first; ids equal under these rules ("01", "1") compare bytewise.
bool natural_less(std::string_view a, std::string_view b);

} // namespace lunch::rec
