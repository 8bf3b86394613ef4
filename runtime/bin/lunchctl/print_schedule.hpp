#pragma once

// lunchctl's output of the schedules: JSON and a table.

#include <nlohmann/json.hpp>

#include "messages/schedule_protocol.hpp"

namespace lunch::ctl {

nlohmann::ordered_json to_json(const schedule_table& x);

void print_schedules(const schedule_table& x);

} // namespace lunch::ctl
