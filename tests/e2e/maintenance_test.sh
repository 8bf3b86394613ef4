#!/usr/bin/env bash
# End-to-end test of the data jobs of spec §5 on one lunchd node driven by
# lunchctl: S25's cleanup (parties dated T-8 and T-6, notifications aged 31
# and 29 days; the ages set in SQL) with its exact outputs, its party.deleted
# event and a request id applied once; the user analytics of the seed
# users with memberships on several shards, run and read back with exact
# values, a rerun, a deleted user; unknown users (exit 1) and bad input
# (exit 2). Own PostgreSQL and ports, like the other e2e tests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

e2e_begin e2e-mnt

psql_shard() {
  "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d "lunch_shard_$1" -c "$2"
}

# The shard of employee id $1.
shard_of() {
  run ctl --json user shard "$1"
  json_value 'd["shard"]'
}

# The id of the party the last `party create --json` made.
created_party() {
  json_value 'd["party_id"]'
}

# T is today in Asia/Seoul (lunchctl's default day), T-N a day before it.
T=$(date -u -d '+9 hours' +%F)
days_before() {
  date -u -d "$T -$1 days" +%F
}

# The cleanup table: one "shard|parties|members|notifications" row per
# shard, the totals and the summary line.
cleanup_table() {
  local row s p m n tp=0 tm=0 tn=0
  printf '%-5s  %-7s  %-7s  %s\n' SHARD PARTIES MEMBERS NOTIFICATIONS
  for row in "$@"; do
    IFS='|' read -r s p m n <<<"$row"
    printf '%-5s  %-7s  %-7s  %s\n' "$s" "$p" "$m" "$n"
    tp=$((tp + p)) tm=$((tm + m)) tn=$((tn + n))
  done
  printf '%-5s  %-7s  %-7s  %s\n' total "$tp" "$tm" "$tn"
  printf 'expired_parties: %s, expired_notifications: %s, total_cleared: %s\n' \
    "$tp" "$tn" "$((tp + tn))"
}

# Creates a party of host $1 on day $2 and sets PID.
party() {
  expect_rc 0 -- ctl --json party create --host "$1" --title "점심" \
    --restaurant "지구마을" --date "$2" --time 12:00 --location "로비" --max 4
  PID=$(created_party)
}

# -----------------------------------------------------------------------------
section "setup: one node, the seed users"
e2e_start_pg_and_config e2e-mnt
start_lunchd "$WORK/node.json"
expect_rc 0 -- ctl --json user import "$ROOT/config/seed-users.json"
expect_json 'd["created"]' '20'
SHARD1=$(shard_of 1)
SHARD3=$(shard_of 3)

# -----------------------------------------------------------------------------
section "1. S25: cleanup of parties dated T-8 and T-6, notifications aged 31 and 29 days"
party 1 "$(days_before 8)"
OLD=$PID
party 1 "$(days_before 6)"
RECENT=$PID
expect_rc 0 -- ctl party join "$OLD" 2
expect_rc 0 -- ctl notify add 3 --type system --title "오래된 알림"
expect_rc 0 -- ctl notify add 3 --type general --title "최근 알림"
expect_eq "aged 31 days" 1 "$(psql_shard "$SHARD3" "WITH u AS (UPDATE notifications
  SET created_at = now() - interval '31 days' WHERE employee_id = '3'
  AND type = 'system' RETURNING 1) SELECT count(*) FROM u")"
expect_eq "aged 29 days" 1 "$(psql_shard "$SHARD3" "WITH u AS (UPDATE notifications
  SET created_at = now() - interval '29 days' WHERE employee_id = '3'
  AND type = 'general' RETURNING 1) SELECT count(*) FROM u")"
# Without --today: today in Asia/Seoul.
expect_rc 0 -- ctl --json --request-id s25 maintenance cleanup
expect_json 'd' '{"expired_parties": 1, "expired_notifications": 1, "total_cleared": 2}'
expect_json 'list(d)' '["expired_parties", "expired_notifications", "total_cleared"]'
expect_rc 1 -- ctl --json party get "$OLD"
expect_json 'd' "{\"error\": \"not_found\", \"message\": \"party $OLD not found\"}"
expect_rc 0 -- ctl --json party get "$RECENT"
expect_json '[d["party_date"], d["current_members"]]' "[\"$(days_before 6)\", 1]"
expect_rc 0 -- ctl --json notify list 3
expect_json '[n["title"] for n in d["notifications"]]' '["최근 알림"]'
expect_eq "party.deleted event of the T-8 party" 1 "$(psql_shard "$SHARD1" "SELECT count(*)
  FROM outbox WHERE kind = 'party.deleted' AND (payload->>'party_id')::bigint = $OLD
  AND payload->'members' = '[\"1\", \"2\"]'::jsonb")"
expect_eq "its members" 0 "$(psql_shard "$SHARD1" "SELECT count(*) FROM party_members
  WHERE party_id = $OLD")"
# The same request id again: the first answer, and a newly expired party
# stays.
party 1 "$(days_before 8)"
LATE=$PID
expect_rc 0 -- ctl --json --request-id s25 maintenance cleanup --today "$T"
expect_json 'd' '{"expired_parties": 1, "expired_notifications": 1, "total_cleared": 2}'
expect_rc 0 -- ctl --json party get "$LATE"
# A new one deletes it: the table form, one line per shard.
expect_rc 0 -- ctl --request-id s25-b maintenance cleanup --today "$T"
rows=()
for s in 0 1 2 3; do
  if ((s == SHARD1)); then rows+=("$s|1|1|0"); else rows+=("$s|0|0|0"); fi
done
expect_eq "cleanup table" "$(cleanup_table "${rows[@]}")" "$OUT"
expect_rc 1 -- ctl --json party get "$LATE"
expect_err_code not_found
# Nothing left to delete; a past today deletes nothing newer than it.
expect_rc 0 -- ctl --json maintenance cleanup
expect_json 'd' '{"expired_parties": 0, "expired_notifications": 0, "total_cleared": 0}'
expect_rc 0 -- ctl --json maintenance cleanup --today 2020-01-01
expect_json 'd["expired_parties"]' '0'
expect_rc 0 -- ctl --json party get "$RECENT"

# -----------------------------------------------------------------------------
section "2. analytics: memberships and ledgers summed over shards"
# 4 (shard 0) hosts Q1, which 5 (shard 1) and 9 (shard 2) join; 5 hosts Q2
# (shard 1), which 4 joins: their member rows live on the hosts' shards.
expect_eq "shards of 4, 5, 9" "0 1 2" "$(shard_of 4) $(shard_of 5) $(shard_of 9)"
party 4 2026-12-01
Q1=$PID
party 5 2026-12-02
Q2=$PID
expect_rc 0 -- ctl party join "$Q1" 5
expect_rc 0 -- ctl party join "$Q1" 9
expect_rc 0 -- ctl party join "$Q2" 4
expect_rc 0 -- ctl --json --request-id an-1 analytics run
expect_json 'd' "{\"date\": \"$T\", \"users\": 20, \"shards\": 4}"
expect_json 'list(d)' '["date", "users", "shards"]'
expect_rc 0 -- ctl --json analytics get 4
expect_json 'list(d)' '["employee_id", "date", "party_count", "hosted_count", "points_earned", "points_today", "preferences", "last_updated"]'
expect_json '{k: v for k, v in d.items() if k != "last_updated"}' "{\"employee_id\": \"4\",
  \"date\": \"$T\", \"party_count\": 2, \"hosted_count\": 1, \"points_earned\": 80,
  \"points_today\": 80, \"preferences\": {\"lunch_preference\": [\"다양한 음식\", \"새로운 메뉴 도전\"],
  \"food_preference\": [\"양식\", \"한식\"], \"allergies\": [\"없음\"],
  \"preferred_time\": [\"12:00\"], \"frequent_areas\": [\"강남구\", \"서초구\"]}}"
expect_json 'list(d["preferences"])' '["lunch_preference", "food_preference", "allergies", "preferred_time", "frequent_areas"]'
expect_json 'len(d["last_updated"]) == 20 and d["last_updated"][10] == "T" and d["last_updated"][-1] == "Z"' 'true'
UPDATED=$(json_value 'd["last_updated"]')
expect_rc 0 -- ctl analytics get 4
expect_eq "analytics get table" "$(printf '%s\n' \
  "employee_id:      4" \
  "date:             $T" \
  "parties_joined:   1" \
  "parties_hosted:   1" \
  "points_earned:    80" \
  "points_today:     80" \
  "lunch_preference: 다양한 음식,새로운 메뉴 도전" \
  "food_preference:  양식,한식" \
  "allergies:        없음" \
  "preferred_time:   12:00" \
  "frequent_areas:   강남구,서초구" \
  "updated_at:       $UPDATED")" "$OUT"
expect_rc 0 -- ctl --json analytics get 5
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"], d["points_today"]]' '[2, 1, 80, 80]'
expect_rc 0 -- ctl --json analytics get 9
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"], d["points_today"]]' '[1, 0, 30, 30]'
expect_rc 0 -- ctl --json analytics get 6
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"], d["points_today"]]' '[0, 0, 0, 0]'
# The cleanup removed parties, not ledger rows: 1 hosts only the T-6
# party but keeps 3 × 50 points; 2's membership went with the T-8 party.
expect_rc 0 -- ctl --json analytics get 1
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"], d["points_today"]]' '[1, 1, 150, 150]'
expect_rc 0 -- ctl --json analytics get 2
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"], d["points_today"]]' '[0, 0, 30, 30]'

# -----------------------------------------------------------------------------
section "3. analytics: one user, another day, a rerun, a deleted user"
expect_rc 0 -- ctl --json analytics run --user 5 --date 2026-06-15
expect_json 'd' '{"date": "2026-06-15", "users": 1, "shards": 1}'
expect_rc 0 -- ctl analytics run --user 9 --date 2026-06-15
expect_eq "analytics run" "stored the analytics of 1 user(s) for 2026-06-15 on 1 shard(s)" "$OUT"
expect_rc 0 -- ctl --json analytics get 5 --date 2026-06-15
expect_json '[d["date"], d["party_count"], d["points_earned"], d["points_today"]]' '["2026-06-15", 2, 80, 0]'
expect_rc 1 -- ctl --json analytics get 4 --date 2026-06-15
expect_json 'd' '{"error": "not_found", "message": "no analytics for user 4 on 2026-06-15"}'
# Without --date: the latest day stored.
expect_rc 0 -- ctl --json analytics get 5
expect_json 'd["date"]' "\"$T\""
# 6 joins Q2; the same request id answers the first run, a new one
# overwrites.
expect_rc 0 -- ctl party join "$Q2" 6
expect_rc 0 -- ctl --json --request-id an-1 analytics run
expect_json 'd["users"]' '20'
expect_rc 0 -- ctl --json analytics get 6
expect_json '[d["party_count"], d["points_earned"]]' '[0, 0]'
expect_rc 0 -- ctl --json --request-id an-2 analytics run --date "$T"
expect_rc 0 -- ctl --json analytics get 6
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"], d["points_today"]]' '[1, 0, 30, 30]'
expect_rc 0 -- ctl --json analytics get 5
expect_json '[d["party_count"], d["hosted_count"], d["points_earned"]]' '[2, 1, 80]'
total_rows=0
for s in 0 1 2 3; do
  total_rows=$((total_rows + $(psql_shard "$s" "SELECT count(*) FROM user_analytics WHERE day = '$T'")))
done
expect_eq "rows of $T" 20 "$total_rows"
expect_rc 0 -- ctl user delete 7
expect_rc 1 -- ctl --json analytics get 7
expect_json 'd' '{"error": "not_found", "message": "no analytics for user 7"}'
expect_rc 0 -- ctl --json analytics run
expect_json 'd["users"]' '19'

# -----------------------------------------------------------------------------
section "4. unknown users: exit 1; bad input: exit 2"
expect_rc 1 -- ctl --json analytics run --user nobody
expect_json 'd' '{"error": "not_found", "message": "user nobody not found"}'
expect_rc 1 -- ctl analytics get nobody
expect_eq "stderr" "error: not_found: no analytics for user nobody" "$ERR"
expect_rc 2 -- ctl analytics
expect_rc 2 -- ctl analytics bogus
expect_rc 2 -- ctl analytics get
expect_rc 2 -- ctl analytics get 4 --date 2026-02-30
expect_contains "--date" "$ERR" stderr
expect_rc 2 -- ctl analytics run --date 15/06/2026
expect_rc 2 -- ctl analytics run --user ""
expect_rc 2 -- ctl analytics run --bogus
expect_rc 2 -- ctl maintenance
expect_rc 2 -- ctl maintenance cleanup --today 2026-13-01
expect_contains "--today" "$ERR" stderr
expect_rc 2 -- ctl maintenance cleanup extra
expect_rc 0 -- ctl --json party get "$RECENT"

# -----------------------------------------------------------------------------
section "5. graceful stop"
stop_lunchd_with TERM

echo "runtime: $((($(now_us) - E2E_T0) / 1000)) ms"
summary
