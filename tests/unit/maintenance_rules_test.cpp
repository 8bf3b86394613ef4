// The rules of the data jobs (spec §5): the party cutoff of the cleanup,
// per-shard request ids, and the analytics counts merged over shards and
// handed back to each user's shard.

#include <algorithm>

#include <catch2/catch.hpp>

#include "actors/maintenance/maintenance_rules.hpp"

using namespace lunch;

namespace {

analytics_counts counts(std::string id, int64_t joined, int64_t hosted,
                        int64_t points, int64_t today) {
  return {std::move(id), joined, hosted, points, today};
}

std::vector<std::string> ids(const std::vector<analytics_counts>& xs) {
  std::vector<std::string> out;
  for (const auto& x : xs)
    out.push_back(x.employee_id);
  return out;
}

} // namespace

TEST_CASE("the cleanup keeps parties from 7 days before today on",
          "[maintenance]") {
  // S25: T-8 is before the cutoff (deleted), T-7 and T-6 are not.
  CHECK(party_cutoff("2026-11-21") == std::optional<std::string>{"2026-11-14"});
  CHECK(std::string{"2026-11-13"} < *party_cutoff("2026-11-21"));
  CHECK_FALSE(std::string{"2026-11-15"} < *party_cutoff("2026-11-21"));
  // A real date difference across months, years and leap days.
  CHECK(party_cutoff("2026-03-03") == std::optional<std::string>{"2026-02-24"});
  CHECK(party_cutoff("2024-03-03") == std::optional<std::string>{"2024-02-25"});
  CHECK(party_cutoff("2027-01-05") == std::optional<std::string>{"2026-12-29"});
  CHECK(party_retention_days == 7);
  CHECK(notification_retention_days == 30);
}

TEST_CASE("the cleanup refuses a today that is not a real date",
          "[maintenance]") {
  for (auto bad : {"", "2026-02-30", "2026-13-01", "2026-1-05", "20261105",
                   "2026-11-05T00:00", "yesterday", "2025-02-29"})
    CHECK_FALSE(party_cutoff(bad).has_value());
}

TEST_CASE("each shard's part of a fan-out gets its own request id",
          "[maintenance]") {
  CHECK(shard_request_id("job-7", 0) == "job-7:0");
  CHECK(shard_request_id("job-7", 13) == "job-7:13");
  CHECK(shard_request_id("", 2).empty());
}

TEST_CASE("the cleanup counts are summed over the shards", "[maintenance]") {
  std::vector<cleanup_counts> per_shard{
    {0, 0, 0, 1, {}}, {1, 1, 3, 0, {}}, {2, 2, 2, 4, {}}, {3, 0, 0, 0, {}}};
  auto total = sum_cleanup(per_shard);
  CHECK(total.shard == -1);
  CHECK(total.parties == 3);
  CHECK(total.members == 5);
  CHECK(total.notifications == 5);
  auto none = sum_cleanup({});
  CHECK(none.parties + none.members + none.notifications == 0);
}

TEST_CASE("analytics counts of one user on several shards are summed",
          "[maintenance]") {
  // "a" hosts on shard 0 and joins on shards 1 and 3; "b" only has ledger
  // rows; each list is ordered by id, as the shards answer.
  std::vector<std::vector<analytics_counts>> scans{
    {counts("a", 0, 1, 50, 50), counts("c", 1, 0, 30, 0)},
    {counts("a", 1, 0, 30, 30)},
    {},
    {counts("a", 1, 0, 30, 0), counts("b", 0, 0, 20, 20)}};
  auto merged = merge_counts(scans);
  REQUIRE(ids(merged) == std::vector<std::string>{"a", "b", "c"});
  CHECK(merged[0].parties_joined == 2);
  CHECK(merged[0].parties_hosted == 1);
  CHECK(merged[0].points_earned == 110);
  CHECK(merged[0].points_today == 80);
  CHECK(merged[1].points_earned == 20);
  CHECK(merged[1].parties_joined == 0);
  CHECK(merged[2].parties_joined == 1);
  CHECK(merge_counts({}).empty());
  CHECK(merge_counts({{}, {}}).empty());
}

TEST_CASE("summed analytics go to the shard of each user's key",
          "[maintenance]") {
  auto map = slot_map::modulo(4);
  // S24: TEST002 -> 0, KOICA001 -> 1, TEST001 -> 3.
  std::vector<analytics_counts> merged{counts("KOICA001", 1, 0, 30, 0),
                                       counts("TEST001", 0, 1, 50, 50),
                                       counts("TEST002", 2, 2, 160, 0)};
  auto per_shard = split_by_shard(merged, map);
  REQUIRE(per_shard.size() == 4);
  CHECK(ids(per_shard[0]) == std::vector<std::string>{"TEST002"});
  CHECK(ids(per_shard[1]) == std::vector<std::string>{"KOICA001"});
  CHECK(per_shard[2].empty());
  CHECK(ids(per_shard[3]) == std::vector<std::string>{"TEST001"});
  CHECK(per_shard[0][0].points_earned == 160);
  auto none = split_by_shard({}, map);
  CHECK(none.size() == 4);
  CHECK(std::all_of(none.begin(), none.end(),
                    [](const auto& xs) { return xs.empty(); }));
}

TEST_CASE("analytics preferences are grouped by the old preference types",
          "[maintenance]") {
  CHECK(preference_types()
        == std::vector<std::string>{"lunch_preference", "food_preference",
                                    "allergies", "preferred_time",
                                    "frequent_areas"});
}
