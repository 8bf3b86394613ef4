#pragma once

// lunchctl's output of the recommendation caches (cache stats | refresh):
// JSON documents and tables, one row per node.

#include <vector>

#include <nlohmann/json.hpp>

#include "messages/recommend_protocol.hpp"

namespace lunch::ctl {

nlohmann::ordered_json to_json(const std::vector<rec_cache_stats>& xs);
nlohmann::ordered_json to_json(const std::vector<rec_refresh_report>& xs);

void print_cache_stats(const std::vector<rec_cache_stats>& xs);
void print_refresh_reports(const std::vector<rec_refresh_report>& xs);

} // namespace lunch::ctl
