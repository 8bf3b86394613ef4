// The data-job statements of a shard database (spec §5): the cleanup of expired
// parties and notifications, and the user analytics rows.

#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/row>

#include "actors/events/events.hpp"
#include "actors/shard/pg_repositories.hpp"
#include "runtime/db/map_error.hpp"

namespace lunch {

namespace {

// The counts as one JSON array (libpqxx 6.4 has no array parameters).
std::string counts_rows(const std::vector<analytics_counts>& xs) {
  auto rows = nlohmann::json::array();
  for (const auto& x : xs)
    rows.push_back({{"employee_id", x.employee_id},
                    {"joined", x.parties_joined},
                    {"hosted", x.parties_hosted},
                    {"points", x.points_earned},
                    {"today", x.points_today}});
  return rows.dump();
}

} // namespace

void pg_analytics::prepare(pqxx::connection_base& conn) {
  // Like delete_party, for every party dated before $1 at once: the
  // members are read in the statement's snapshot, before the cascade
  // removes them, for each party's party.deleted event.
  conn.prepare("expire_parties", R"(
    WITH d AS (DELETE FROM parties WHERE party_date < $1::date
               RETURNING id, party_date)
    SELECT d.id, d.party_date::text,
           (SELECT coalesce(json_agg(m.employee_id ORDER BY m.is_host DESC,
                                                          m.seq),
                            '[]'::json)
              FROM party_members m WHERE m.party_id = d.id)::text
      FROM d ORDER BY d.id)");
  conn.prepare("analytics_scan", R"(
    WITH m AS (
      SELECT employee_id, count(*) FILTER (WHERE NOT is_host) AS joined,
             count(*) FILTER (WHERE is_host) AS hosted
        FROM party_members
       WHERE $2::text = '' OR employee_id = $2::text
       GROUP BY employee_id),
    l AS (
      SELECT employee_id, sum(points_earned) AS points,
             coalesce(sum(points_earned) FILTER (
               WHERE (created_at AT TIME ZONE 'Asia/Seoul')::date = $1::date),
               0) AS today
        FROM user_activity
       WHERE $2::text = '' OR employee_id = $2::text
       GROUP BY employee_id)
    SELECT coalesce(m.employee_id, l.employee_id), coalesce(m.joined, 0),
           coalesce(m.hosted, 0), coalesce(l.points, 0), coalesce(l.today, 0)
      FROM m FULL JOIN l ON l.employee_id = m.employee_id
     ORDER BY 1)");
  // Every user of this shard gets a row, with zeros if no shard counted
  // anything for them; the preferences grouped by type as the old task did.
  conn.prepare("analytics_store", R"(
    WITH c AS (
      SELECT employee_id, sum(joined) AS joined, sum(hosted) AS hosted,
             sum(points) AS points, sum(today) AS today
        FROM jsonb_to_recordset($2::jsonb) AS x(employee_id text,
          joined bigint, hosted bigint, points bigint, today bigint)
       GROUP BY employee_id)
    INSERT INTO user_analytics (employee_id, day, parties_joined,
      parties_hosted, points_earned, points_today, preferences, updated_at)
    SELECT u.employee_id, $1::date, coalesce(c.joined, 0),
           coalesce(c.hosted, 0), coalesce(c.points, 0), coalesce(c.today, 0),
           jsonb_build_object(
             'lunch_preference', u.lunch_styles,
             'food_preference', u.food_preferences,
             'allergies', u.allergies,
             'preferred_time', CASE WHEN u.preferred_time = '' THEN '[]'::jsonb
                                    ELSE jsonb_build_array(u.preferred_time)
                               END,
             'frequent_areas', u.frequent_areas),
           now()
      FROM users u LEFT JOIN c ON c.employee_id = u.employee_id
     WHERE $3::text = '' OR u.employee_id = $3::text
    ON CONFLICT (employee_id, day) DO UPDATE SET
      parties_joined = excluded.parties_joined,
      parties_hosted = excluded.parties_hosted,
      points_earned = excluded.points_earned,
      points_today = excluded.points_today,
      preferences = excluded.preferences,
      updated_at = excluded.updated_at,
      epoch = excluded.epoch)");
  conn.prepare("analytics_get", R"(
    SELECT employee_id, day::text, parties_joined, parties_hosted,
           points_earned, points_today, preferences::text,
           to_char(updated_at AT TIME ZONE 'UTC',
                   'YYYY-MM-DD"T"HH24:MI:SS"Z"')
      FROM user_analytics
     WHERE employee_id = $1
       AND ($2::text = '' OR day = nullif($2::text, '')::date)
     ORDER BY day DESC LIMIT 1)");
}

cleanup_counts pg_analytics::expire(const std::string& party_cutoff,
                                    int32_t notification_days) {
  cleanup_counts out;
  out.shard = ctx_.shard;
  for (const auto& r :
       ctx_.tx().exec_prepared("expire_parties", party_cutoff)) {
    auto id = r[0].as<int64_t>();
    auto members = from_json_array(r[2]);
    out.members += static_cast<int64_t>(members.size());
    out.party_ids.push_back(id);
    ctx_.emit(events::party_deleted(id, r[1].as<std::string>(), members));
  }
  out.parties = static_cast<int64_t>(out.party_ids.size());
  out.notifications = inbox_.delete_notifications_older_than(notification_days);
  return out;
}

std::vector<analytics_counts>
pg_analytics::analytics_counts_of(const std::string& day,
                                  const std::string& only_user) {
  std::vector<analytics_counts> out;
  for (const auto& r :
       ctx_.tx().exec_prepared("analytics_scan", day, only_user))
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>(),
                   r[2].as<int64_t>(), r[3].as<int64_t>(), r[4].as<int64_t>()});
  return out;
}

int64_t
pg_analytics::store_analytics(const std::string& day,
                              const std::vector<analytics_counts>& counts,
                              const std::string& only_user) {
  return ctx_.tx()
    .exec_prepared("analytics_store", day, counts_rows(counts), only_user)
    .affected_rows();
}

user_analytics pg_analytics::analytics_of(const std::string& user,
                                          const std::string& day) {
  auto rows = ctx_.tx().exec_prepared("analytics_get", user, day);
  if (rows.empty())
    throw db::domain_error(errc::not_found,
                           "no analytics for user " + user
                             + (day.empty() ? "" : " on " + day));
  const auto& r = rows[0];
  user_analytics x;
  x.employee_id = r[0].as<std::string>();
  x.day = r[1].as<std::string>();
  x.parties_joined = r[2].as<int64_t>();
  x.parties_hosted = r[3].as<int64_t>();
  x.points_earned = r[4].as<int64_t>();
  x.points_today = r[5].as<int64_t>();
  x.preferences = r[6].as<std::string>();
  x.updated_at = r[7].as<std::string>();
  return x;
}

} // namespace lunch
