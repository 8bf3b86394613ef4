#include "runtime/bin/lunchctl/print_cache.hpp"

#include <cstdio>
#include <string>

#include "runtime/bin/lunchctl/print_table.hpp"

namespace lunch::ctl {

namespace {

using ojson = nlohmann::ordered_json;

ojson text_or_null(const std::string& x) {
  return x.empty() ? ojson(nullptr) : ojson(x);
}

/// Hits per cached read in percent, or nothing before the first read.
ojson hit_rate(const rec_cache_stats& x) {
  auto reads = x.hits + x.misses;
  if (reads == 0)
    return nullptr;
  return static_cast<double>(x.hits * 1000 / reads) / 10.0;
}

std::string fixed1(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", x);
  return buf;
}

std::string bytes_text(int64_t n) {
  if (n < 1024)
    return std::to_string(n) + " B";
  if (n < 1024 * 1024)
    return fixed1(static_cast<double>(n) / 1024) + " KiB";
  return fixed1(static_cast<double>(n) / (1024 * 1024)) + " MiB";
}

std::string ago_text(int64_t ms) {
  if (ms < 0)
    return "never";
  if (ms < 10'000)
    return std::to_string(ms) + " ms ago";
  return std::to_string(ms / 1000) + " s ago";
}

} // namespace

ojson to_json(const std::vector<rec_cache_stats>& xs) {
  ojson out = ojson::array();
  for (auto& x : xs)
    out.push_back(
      {{"node", x.node},
       {"entries", x.entries},
       {"days", x.days},
       {"hits", x.hits},
       {"misses", x.misses},
       {"hit_rate", hit_rate(x)},
       {"memory_bytes", x.memory_bytes},
       {"cycle", x.cycle},
       {"cycle_refreshed", x.cycle_refreshed},
       {"cycle_total", x.cycle_total},
       {"queued", x.queued},
       {"refreshed_total", x.refreshed_total},
       {"last_batch_ms_ago",
        x.last_batch_ms_ago < 0 ? ojson(nullptr) : ojson(x.last_batch_ms_ago)},
       {"error", text_or_null(x.error)}});
  return out;
}

ojson to_json(const std::vector<rec_refresh_report>& xs) {
  ojson out = ojson::array();
  for (auto& x : xs)
    out.push_back({{"node", x.node},
                   {"refreshed", x.refreshed},
                   {"queued", x.queued},
                   {"error", text_or_null(x.error)}});
  return out;
}

void print_cache_stats(const std::vector<rec_cache_stats>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (auto& x : xs) {
    if (!x.error.empty()) {
      rows.push_back(
        {x.node, "-", "-", "-", "-", "-", "-", "-", "unreachable: " + x.error});
      continue;
    }
    auto rate = hit_rate(x);
    rows.push_back(
      {x.node, std::to_string(x.entries), std::to_string(x.days),
       rate.is_null() ? "-" : fixed1(rate.get<double>()) + " %",
       bytes_text(x.memory_bytes), std::to_string(x.cycle),
       std::to_string(x.cycle_refreshed) + "/" + std::to_string(x.cycle_total),
       std::to_string(x.queued), ago_text(x.last_batch_ms_ago)});
  }
  print_table({"NODE", "ENTRIES", "DAYS", "HIT RATE", "MEMORY", "CYCLE",
               "PROGRESS", "QUEUED", "LAST BATCH"},
              rows);
}

void print_refresh_reports(const std::vector<rec_refresh_report>& xs) {
  std::vector<std::vector<std::string>> rows;
  for (auto& x : xs)
    rows.push_back(
      x.error.empty()
        ? std::vector<std::string>{x.node, std::to_string(x.refreshed),
                                   std::to_string(x.queued)}
        : std::vector<std::string>{x.node, "-", "unreachable: " + x.error});
  print_table({"NODE", "REFRESHED", "QUEUED"}, rows);
}

} // namespace lunch::ctl
