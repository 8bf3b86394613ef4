#!/usr/bin/env bash
# End-to-end test of one lunchd node driven by lunchctl: config errors,
# the user and party workflows of spec §12 (S3-S8, S14, S24, S26), party
# capacity under concurrent joins, calendar entries, crash safety (kill -9
# loses no acknowledged write), a database outage and recovery, lunchctl
# usage errors and graceful shutdown.
#
# It starts its OWN PostgreSQL in a temporary directory (it stops and
# restarts it) and picks free ports, so it runs beside anything else.
# Environment: LUNCH_BIN_DIR (default $ROOT/build/bin); LUNCH_E2E_KEEP=1
# keeps the temporary directory (logs) for inspection.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

e2e_begin e2e

# ctl, start_lunchd, stop_lunchd_with, config_variant: tests/e2e/lib.sh

# -----------------------------------------------------------------------------
section "setup: private PostgreSQL"
e2e_start_pg_and_config e2e0 'c["passivate_after_ms"] = 1000'
echo "pg: $("$PG" dsn); node: $NODE"

# -----------------------------------------------------------------------------
section "1. lunchd rejects bad input"
expect_rc 2 -- "$BIN/lunchd"
expect_rc 2 -- "$BIN/lunchd" --config /nonexistent
expect_contains "(file)" "$ERR" stderr
config_variant 'c["bogus"] = 1' "$WORK/bogus.json"
expect_rc 2 -- "$BIN/lunchd" --config "$WORK/bogus.json"
expect_contains "bogus" "$ERR" stderr
config_variant 'c["standby_connections"] = 1' "$WORK/standby.json"
expect_rc 2 -- "$BIN/lunchd" --config "$WORK/standby.json"
expect_contains "standby_connections: must be true or false" "$ERR" stderr
config_variant 'del c["shards"]' "$WORK/noshards.json"
expect_rc 2 -- "$BIN/lunchd" --config "$WORK/noshards.json"
expect_contains "shards" "$ERR" stderr
config_variant 'c["shards"][0] = c["shards"][0].rsplit("dbname=", 1)[0] + "dbname=nope"' "$WORK/nope.json"
expect_rc 2 -- "$BIN/lunchd" --config "$WORK/nope.json"
expect_contains "shards[0]" "$ERR" stderr
expect_rc 0 -- "$BIN/lunchd" --check --config "$WORK/node.json"

# -----------------------------------------------------------------------------
section "2. lunchd starts"
# Until the passivation section the node keeps idle entities for a day, so
# that section's first read of the active counts cannot race the idle
# timer however slow the machine; node.json (1000 ms) from then on.
config_variant 'c["passivate_after_ms"] = 86400000' "$WORK/keep-idle.json"
start_lunchd "$WORK/keep-idle.json"
expect_rc 0 -- ctl --json node status
expect_json 'd["node"]' '"e2e0"'
expect_json 'd["shards"]' '4'
expect_json 'd["unreachable_shards"]' '[]'

# -----------------------------------------------------------------------------
section "3. user import"
expect_rc 0 -- ctl --json user import "$ROOT/config/seed-users.json"
expect_json 'd' '{"created": 20, "skipped_existing": 0}'
expect_rc 0 -- ctl --json user import "$ROOT/config/seed-users.json"
expect_json 'd' '{"created": 0, "skipped_existing": 20}'

# -----------------------------------------------------------------------------
section "4. S3 preferences"
expect_rc 0 -- ctl user prefs 1 --food 한식,일식 --allergies 땅콩 --time 12:30 \
  --areas 판교 --notifications push_notification
expect_rc 0 -- ctl --json user prefs 1
expect_json 'd["foodPreferences"]' '["한식", "일식"]'
expect_json 'd["allergies"]' '["땅콩"]'
expect_json 'd["preferredTime"]' '"12:30"'
expect_json 'd["frequentAreas"]' '["판교"]'
expect_json 'd["notifications"]' '["push_notification"]'
# Not given, so unchanged (seed: 맛집 탐방, 새로운 메뉴 도전).
expect_json 'd["lunchStyles"]' '["맛집 탐방", "새로운 메뉴 도전"]'

# -----------------------------------------------------------------------------
section "5. S4 profile update"
expect_rc 0 -- ctl user update 1 --gender 남 --age-group 30대
expect_rc 0 -- ctl --json user get 1
expect_json 'd["gender"]' '"남"'
expect_json 'd["age_group"]' '"30대"'
expect_json 'd["nickname"]' '"김철수"'
expect_json 'd["food_preferences"]' '"한식,일식"'
expect_json 'd["shard_id"]' '3'

# -----------------------------------------------------------------------------
section "6. S5 create a party"
TOMORROW=$(date -d tomorrow +%F)
party_args=(--title "금요 점심" --restaurant 지구마을 --date "$TOMORROW" --time 12:00
  --location "1층 로비")
expect_rc 0 -- ctl --json party create --host 1 "${party_args[@]}" --max 3 --members 2
expect_json 'd["message"]' '"party created"'
P=$(json_value 'd["party_id"]') || fatal "party create printed no party_id: $OUT"
expect_rc 0 -- ctl --json party get "$P"
expect_json 'd["id"]' "$P"
expect_json 'd["current_members"]' '2'
expect_json 'sorted(m["employee_id"] for m in d["members"])' '["1", "2"]'
expect_json '[m["employee_id"] for m in d["members"] if m["is_host"]]' '["1"]'
expect_json 'd["is_from_match"]' 'false'
expect_json '[d["host_employee_id"], d["title"], d["restaurant_name"], d["party_date"], d["party_time"], d["meeting_location"], d["max_members"]]' \
  "[\"1\", \"금요 점심\", \"지구마을\", \"$TOMORROW\", \"12:00\", \"1층 로비\", 3]"
expect_rc 0 -- ctl --json user get 1
expect_json 'd["total_points"]' '50'
expect_json 'd["current_level"]' '1'

# -----------------------------------------------------------------------------
section "7. S6 party validation"
expect_rc 1 -- ctl --json party create --host 1 "${party_args[@]}" --max 0
expect_err_code invalid_argument
expect_rc 2 -- ctl --json party create --host 1 "${party_args[@]}" --max abc
expect_rc 2 -- ctl --json party create --host 1 --title t --restaurant r \
  --date "$TOMORROW" --time 12:00 --max 3
expect_contains "--location" "$ERR" stderr
expect_rc 0 -- ctl --json party list
expect_json '[p["id"] for p in d]' "[$P]"

# -----------------------------------------------------------------------------
section "8. S7 join until full"
expect_rc 0 -- ctl --json party join "$P" 3
expect_json 'd["current_members"]' '3'
expect_rc 0 -- ctl --json user get 3
expect_json 'd["total_points"]' '30'
expect_rc 1 -- ctl --json party join "$P" 4
expect_err_code party_full
expect_rc 1 -- ctl --json party join "$P" 3
expect_err_code party_full

# -----------------------------------------------------------------------------
section "9. S8 leave, update, delete"
expect_rc 1 -- ctl --json party leave "$P" 1
expect_err_code forbidden
expect_rc 0 -- ctl --json party leave "$P" 3
expect_json 'd["current_members"]' '2'
expect_rc 0 -- ctl --json party get "$P"
expect_json 'd["current_members"]' '2'
expect_json 'sorted(m["employee_id"] for m in d["members"])' '["1", "2"]'
expect_rc 1 -- ctl --json party leave "$P" 3
expect_err_code not_member
# With capacity left, a second join is "already joined".
expect_rc 1 -- ctl --json party join "$P" 2
expect_err_code already_joined
expect_rc 1 -- ctl --json party delete "$P" --as 2
expect_err_code forbidden
expect_rc 1 -- ctl --json party update "$P" --as 2 --title x
expect_err_code forbidden
expect_rc 1 -- ctl --json party update "$P" --as 1 --max 1
expect_err_code invalid_argument
expect_rc 0 -- ctl --json party update "$P" --as 1 --title "금요 점심 2차" --time 12:30
expect_json '[d["title"], d["party_time"], d["restaurant_name"], d["max_members"]]' \
  '["금요 점심 2차", "12:30", "지구마을", 3]'
expect_rc 0 -- ctl --json party delete "$P" --as 1
expect_json 'd' "{\"message\": \"party deleted\", \"party_id\": $P}"
expect_rc 1 -- ctl --json party get "$P"
expect_err_code not_found

# -----------------------------------------------------------------------------
section "10. S14 random-lunch party"
expect_rc 0 -- ctl --json party create --random --host 1 --title "랜덤 런치" \
  --restaurant 지구마을 --date "$TOMORROW" --time 12:00 --location 로비 --max 3 --members 2,3
R=$(json_value 'd["party_id"]') || fatal "party create --random printed no party_id: $OUT"
expect_rc 0 -- ctl --json party get "$R"
expect_json 'd["is_from_match"]' 'true'
expect_rc 0 -- ctl --json party list
expect_json "$R in [p[\"id\"] for p in d]" 'false'
expect_rc 0 -- ctl --json party list --user 2
expect_json '[p["id"] for p in d]' "[$R]"
expect_rc 0 -- ctl --json party leave "$R" 1
expect_json 'd' "{\"message\": \"party deleted\", \"party_id\": $R}"
expect_rc 1 -- ctl --json party get "$R"
expect_err_code not_found
expect_rc 0 -- ctl --json party list --user 2
expect_json 'd' '[]'

# -----------------------------------------------------------------------------
section "11. S24 sharding"
expect_rc 0 -- ctl --json user create TEST001 --nickname 테스트
expect_json 'd["shard_id"]' '3'
expect_rc 0 -- ctl --json user create TEST002 --nickname 테스트2
expect_json 'd["shard_id"]' '0'
expect_rc 1 -- ctl --json user create TEST002 --nickname 또테스트
expect_err_code already_exists
for pair in KOICA001:1 TEST001:3 TEST002:0 1:3 2:0; do
  expect_rc 0 -- ctl --json user shard "${pair%%:*}"
  expect_json '[d["key"], d["shard"]]' "[\"${pair%%:*}\", ${pair##*:}]"
done
expect_rc 0 -- ctl --json user search 테스트
expect_json 'd["count"]' '2'
expect_json '[u["nickname"] for u in d["users"]]' '["테스트", "테스트2"]'
expect_json '[[u["employee_id"], u["shard_id"]] for u in d["users"]]' '[["TEST001", 3], ["TEST002", 0]]'
expect_rc 0 -- ctl --json shard stats
expect_json 'd["total_shards"]' '4'
expect_json 'sum(v["user_count"] for v in d["shard_details"].values())' '22'
expect_rc 0 -- ctl --json shard plan
expect_json 'd["status"]' '"plan_created"'
expect_json 'd["average_users_per_shard"]' '5.5'

# -----------------------------------------------------------------------------
section "12. S26 delete a user"
expect_rc 0 -- ctl --json user delete TEST001
expect_json 'd' '{"message": "user deleted", "employee_id": "TEST001"}'
expect_rc 1 -- ctl --json user get TEST001
expect_err_code not_found
expect_rc 1 -- ctl --json user search ""
expect_err_code invalid_argument
expect_rc 1 -- ctl --json user delete TEST001
expect_err_code not_found
expect_rc 0 -- ctl --json user search 테스트
expect_json '[u["employee_id"] for u in d["users"]]' '["TEST002"]'
# The delete cascades: TEST002's hosted party goes, and so does its
# membership in another user's party.
expect_rc 0 -- ctl --json party create --host TEST002 "${party_args[@]}" --max 4
D1=$(json_value 'd["party_id"]') || fatal "no party_id: $OUT"
expect_rc 0 -- ctl --json party create --host 7 "${party_args[@]}" --max 4 --members 8
D2=$(json_value 'd["party_id"]') || fatal "no party_id: $OUT"
expect_rc 0 -- ctl --json party join "$D2" TEST002
expect_json 'd["current_members"]' '3'
expect_rc 0 -- ctl --json user delete TEST002
expect_rc 1 -- ctl --json party get "$D1"
expect_err_code not_found
expect_rc 0 -- ctl --json party get "$D2"
expect_json 'd["current_members"]' '2'
expect_json 'sorted(m["employee_id"] for m in d["members"])' '["7", "8"]'
expect_rc 0 -- ctl --json party delete "$D2" --as 7

# -----------------------------------------------------------------------------
section "13. party mine across shards"
expect_rc 0 -- ctl --json party create --host 1 "${party_args[@]}" --max 4
Q1=$(json_value 'd["party_id"]') || fatal "no party_id: $OUT"
expect_rc 0 -- ctl --json party create --host 2 "${party_args[@]}" --max 4 --members 1
Q2=$(json_value 'd["party_id"]') || fatal "no party_id: $OUT"
expect_rc 0 -- ctl --json party create --random --host 4 "${party_args[@]}" --max 4 --members 1
Q3=$(json_value 'd["party_id"]') || fatal "no party_id: $OUT"
expect_rc 0 -- ctl --json party mine 1
expect_json 'sorted(p["id"] for p in d)' "$(printf '%s\n' "$Q1" "$Q2" "$Q3" | sort -n | paste -sd, | sed 's/.*/[&]/')"
expect_rc 0 -- ctl --json party mine 1 --regular
expect_json 'sorted(p["id"] for p in d)' "$(printf '%s\n' "$Q1" "$Q2" | sort -n | paste -sd, | sed 's/.*/[&]/')"
expect_rc 0 -- ctl --json party mine 2
expect_json '[p["id"] for p in d]' "[$Q2]"
expect_rc 0 -- ctl --json party mine 3
expect_json 'd' '[]'

# -----------------------------------------------------------------------------
section "14. concurrent joins never overfill a party"
expect_rc 0 -- ctl --json party create --host 5 "${party_args[@]}" --max 5
C=$(json_value 'd["party_id"]') || fatal "no party_id: $OUT"
join_pids=()
for u in $(seq 6 20); do
  (
    rc=0
    until_sent timeout 30 "$BIN/lunchctl" --node "$NODE" --json party join "$C" "$u" \
      >"$WORK/join.$u.out" 2>"$WORK/join.$u.err" || rc=$?
    echo "$rc" >"$WORK/join.$u.rc"
  ) &
  join_pids+=($!)
done
wait "${join_pids[@]}"
ok=0 full=0 other=()
for u in $(seq 6 20); do
  rc=$(cat "$WORK/join.$u.rc")
  if [[ $rc == 0 ]]; then
    ok=$((ok + 1))
  elif [[ $rc == 1 ]] && grep -q '"error":"party_full"' "$WORK/join.$u.out"; then
    full=$((full + 1))
  else
    other+=("user $u: rc $rc $(cat "$WORK/join.$u.out" "$WORK/join.$u.err")")
  fi
done
LAST_CMD="15 parallel: lunchctl party join $C 6..20"
expect_eq "successful concurrent joins" 4 "$ok"
expect_eq "concurrent joins refused with party_full (exit 1)" 11 "$full"
expect_eq "concurrent joins with another outcome" "" "${other[*]}"
expect_rc 0 -- ctl --json party get "$C"
expect_json 'd["current_members"]' '5'
expect_json 'len(set(m["employee_id"] for m in d["members"]))' '5'

# -----------------------------------------------------------------------------
section "calendar entries"
cal=(calendar add --user 5)
expect_rc 0 -- ctl --json --request-id cal-add-1 "${cal[@]}" --date 2026-12-02 \
  --title 치과 --description "정기 검진"
expect_json 'sorted(d)' '["created_at", "date", "description", "employee_id", "id", "interval", "recurrence", "title", "until"]'
expect_json '[d["employee_id"], d["date"], d["title"], d["description"], d["recurrence"], d["interval"], d["until"]]' \
  '["5", "2026-12-02", "치과", "정기 검진", "", 1, null]'
C1=$(json_value 'd["id"]') || fatal "calendar add printed no id: $OUT"
# The same request id: the entry added the first time, not a second one.
expect_rc 0 -- ctl --json --request-id cal-add-1 "${cal[@]}" --date 2026-12-02 --title 치과
expect_json 'd["id"]' "$C1"
expect_rc 0 -- ctl --json "${cal[@]}" --date 2026-11-30 --title 헬스 --repeat weekly \
  --interval 2 --until 2027-03-01
expect_json '[d["recurrence"], d["interval"], d["until"]]' '["weekly", 2, "2027-03-01"]'
C2=$(json_value 'd["id"]') || fatal "calendar add printed no id: $OUT"
expect_rc 0 -- ctl --json calendar list --user 5
expect_json '[e["id"] for e in d]' "[$C2, $C1]"
expect_rc 0 -- ctl calendar list --user 5
expect_contains "헬스" "$OUT"
# Malformed input is a usage error (exit 2), refused before anything is sent.
expect_rc 2 -- ctl "${cal[@]}" --date 2026-02-30 --title x
expect_contains "--date" "$ERR" stderr
expect_rc 2 -- ctl "${cal[@]}" --date 2026-12-02 --title x --repeat daily
expect_rc 2 -- ctl "${cal[@]}" --date 2026-12-02 --title x --repeat weekly --interval 0
expect_rc 2 -- ctl "${cal[@]}" --date 2026-12-02 --title x --until 2026-12-30
expect_contains "until" "$ERR" stderr
expect_rc 2 -- ctl "${cal[@]}" --date 2026-12-02 --title x --repeat weekly --until 2026-12-01
expect_contains "until" "$ERR" stderr
expect_rc 2 -- ctl "${cal[@]}" --date 2026-12-02 --title ""
expect_rc 2 -- ctl "${cal[@]}" --date 2026-12-02
expect_rc 2 -- ctl calendar delete --user 5 abc
expect_rc 2 -- ctl calendar list
# Unknown users and ids are domain errors (exit 1).
expect_rc 1 -- ctl --json calendar add --user nouser --date 2026-12-02 --title x
expect_err_code not_found
expect_json 'd["message"]' '"user nouser not found"'
expect_rc 1 -- ctl --json calendar list --user nouser
expect_err_code not_found
expect_rc 0 -- ctl --json --request-id cal-del-1 calendar delete --user 5 "$C1"
expect_json '[d["id"], d["title"], d["date"]]' "[$C1, \"치과\", \"2026-12-02\"]"
expect_rc 0 -- ctl --json --request-id cal-del-1 calendar delete --user 5 "$C1"
expect_json 'd["id"]' "$C1"
expect_rc 1 -- ctl --json calendar delete --user 5 "$C1"
expect_err_code not_found
expect_rc 1 -- ctl --json calendar delete --user 6 "$C2"
expect_err_code not_found
expect_rc 0 -- ctl --json calendar list --user 5
expect_json '[e["id"] for e in d]' "[$C2]"

# -----------------------------------------------------------------------------
section "15. unknown ids"
expect_rc 1 -- ctl --json party get 99999
expect_err_code not_found
expect_rc 1 -- ctl --json party join "$Q1" 9999nouser
expect_err_code not_found
expect_json 'd["message"].startswith("user ") and "9999nouser" in d["message"] and d["message"].endswith("not found")' 'true'
expect_rc 1 -- ctl --json user get nosuchuser
expect_err_code not_found

# -----------------------------------------------------------------------------
section "passivation (passivate_after_ms 1000)"
idle() {
  run ctl --json node status
  [[ $RC == 0 ]] && [[ $(json_value '[d["active_users"], d["active_parties"]]') == "[0, 0]" ]]
}
# The entities of the sections above are still active (kept for a day).
expect_rc 0 -- ctl --json node status
expect_json 'd["active_users"] > 0 and d["active_parties"] > 0' 'true'
# The same node with passivate_after_ms 1000: requests activate entities
# (which load their state), and once idle they stop.
stop_lunchd_with TERM
start_lunchd "$WORK/node.json"
expect_rc 0 -- ctl --json user get 1
expect_json 'd["nickname"]' '"김철수"'
expect_rc 0 -- ctl --json party get "$Q2"
expect_json 'd["id"]' "$Q2"
if wait_until 20 idle; then
  check_pass
else
  check_fail "entities still active 20 s after the last request" "$OUT"
fi
# Reactivated entities reload their state.
expect_rc 0 -- ctl --json user get 1
expect_json '[d["nickname"], d["gender"], d["preferred_time"], d["food_preferences"]]' \
  '["김철수", "남", "12:30", "한식,일식"]'
expect_rc 0 -- ctl --json party get "$Q2"
expect_json 'sorted(m["employee_id"] for m in d["members"])' '["1", "2"]'

# -----------------------------------------------------------------------------
section "16. crash safety: kill -9 loses no acknowledged write"
# Each line of crash.log: INDEX RC STARTED_AFTER_KILL MILLISECONDS.
crash_loop() {
  set +e
  local i after=0 rc flag t
  for ((i = 1; i <= 5000; i++)); do
    flag=0
    [[ -e $WORK/killed ]] && flag=1
    t=$(now_us)
    timeout 10 "$BIN/lunchctl" --node "$NODE" --json --timeout 3 \
      user create "W$i" --nickname "w$i" >/dev/null 2>&1
    rc=$?
    echo "$i $rc $flag $((($(now_us) - t) / 1000))" >>"$WORK/crash.log"
    if ((flag)); then
      after=$((after + 1))
      ((after >= 5)) && break
    fi
  done
}
: >"$WORK/crash.log"
crash_loop &
BG_PIDS+=($!)
crash_start=$(now_us)
acked() {
  (($(awk '$2 == 0' "$WORK/crash.log" | wc -l) >= 20)) &&
    (($(now_us) - crash_start >= 1000000))
}
wait_until 20 acked || check_fail "fewer than 20 acknowledged writes in 20 s" "$(tail -3 "$WORK/crash.log")"
kill -9 "$LUNCHD_PID"
wait "$LUNCHD_PID" 2>/dev/null || true
LUNCHD_PID=""
touch "$WORK/killed"
wait "${BG_PIDS[@]}" || true
BG_PIDS=()
n_total=$(wc -l <"$WORK/crash.log")
n_acked=$(awk '$2 == 0' "$WORK/crash.log" | wc -l)
echo "crash loop: $n_total writes, $n_acked acknowledged before the kill"
LAST_CMD="crash loop (lunchctl user create W<i>)"
expect_eq "exit codes other than 0 and 3 (124 = hang)" "" \
  "$(awk '$2 != 0 && $2 != 3 {printf "W%s:rc%s ", $1, $2}' "$WORK/crash.log")"
expect_eq "writes started after the kill that did not exit 3" "" \
  "$(awk '$3 == 1 && $2 != 3 {printf "W%s:rc%s ", $1, $2}' "$WORK/crash.log")"
expect_eq "writes started after the kill" 5 "$(awk '$3 == 1' "$WORK/crash.log" | wc -l)"
# How long the writes took is information only (a hang shows above as 124).
echo "slowest write of the crash loop: $(awk '$4 > m {m = $4} END {print m + 0}' "$WORK/crash.log") ms"
start_lunchd "$WORK/node.json"
lost=()
while read -r i rc _; do
  if [[ $rc == 0 ]]; then
    run ctl --json user get "W$i"
    if [[ $RC != 0 || $OUT != *'"nickname":"w'$i'"'* ]]; then
      lost+=("W$i(rc $RC)")
    fi
  fi
done <"$WORK/crash.log"
expect_eq "acknowledged users missing after kill -9 and restart (of $n_acked)" "" "${lost[*]}"

# -----------------------------------------------------------------------------
section "17. database down and back"
"$PG" stop >/dev/null
t=$(now_us)
expect_rc 3 -- timeout 15 "$BIN/lunchctl" --node "$NODE" --json user create DOWN1 --nickname d1
expect_json 'd["error"] in ("unavailable", "timeout")' 'true'
down_ms=$((($(now_us) - t) / 1000))
# Information only: the check is the answer above (a hang would be 124).
echo "user create with the database down: rc $RC after $down_ms ms"
expect_rc 3 -- timeout 15 "$BIN/lunchctl" --node "$NODE" --json party create --host 1 \
  "${party_args[@]}" --max 3
expect_rc 0 -- timeout 15 "$BIN/lunchctl" --node "$NODE" --json shard stats
expect_json 'd["total_shards"]' '4'
expect_json 'sorted(k for k, v in d["shard_details"].items() if "error" in v)' '["0", "1", "2", "3"]'
expect_rc 0 -- ctl --json node status
expect_json 'd["unreachable_shards"]' '[0, 1, 2, 3]'
# pg.sh start reuses the recorded port, so the node's DSNs stay valid.
"$PG" start >/dev/null || fatal "PostgreSQL did not restart (log: $LUNCH_PG_DIR/log)"
attempt=0
create_after_restart() {
  attempt=$((attempt + 1))
  run "$BIN/lunchctl" --node "$NODE" --json --timeout 2 user create "BACK$attempt" --nickname "back$attempt"
  [[ $RC == 0 ]]
}
if wait_until 20 create_after_restart; then
  check_pass
else
  check_fail "no user create succeeded within 20 s of PostgreSQL coming back ($attempt attempts)" \
    "last: $LAST_CMD rc $RC" "$(_last_output)"
fi
shards_back() {
  run ctl --json shard stats
  [[ $RC == 0 ]] && [[ $(json_value 'sum("error" in v for v in d["shard_details"].values())') == 0 ]]
}
if wait_until 20 shards_back; then
  check_pass
else
  check_fail "shard stats still shows errors 20 s after PostgreSQL came back" "$OUT"
fi
expect_rc 0 -- ctl --json node status
expect_json 'd["unreachable_shards"]' '[]'
expect_rc 0 -- ctl --json user get 1
expect_json 'd["nickname"]' '"김철수"'

# -----------------------------------------------------------------------------
section "18. lost connections: a starved lunchctl, a paused node"
# A client without CPU for the node's heartbeat timeout looks dead, and the
# node closes its connection, answer and all. lunchctl sends a write with a
# request id again over a new connection (applied once); a write without
# one is reported lost at once. The request waits in the node while the
# shard database's backends are stopped; lunchctl is stopped until the
# node has closed its connection.
db_backends() { # DATABASE
  "$PG" psql -d "$1" -Atc "SELECT pid FROM pg_stat_activity
    WHERE datname = '$1' AND pid <> pg_backend_pid()"
}
# True once one of the backends has unread input: the node's statement.
statement_waiting() { # PID...
  local pid
  for pid in "$@"; do
    ss -xpn | awk -v p="pid=$pid," 'index($0, p) && $3 > 0 { found = 1 }
      END { exit !found }' && return 0
  done
  return 1
}
client_connected() { # PID
  ss -tnp state established | grep -q "pid=$1,"
}
client_dropped() { # PID
  ss -tnp state close-wait | grep -q "pid=$1,"
}
# Runs lunchctl ARGS... in the background while database DB is stopped and
# the node drops lunchctl's connection; sets RC, OUT and ERR.
run_dropped() { # DB ARGS...
  local db=$1 backends client
  shift
  mapfile -t backends < <(db_backends "$db")
  ((${#backends[@]} > 0)) || fatal "no backends of $db"
  kill -STOP "${backends[@]}"
  LAST_CMD="lunchctl $* (connection dropped)"
  "$BIN/lunchctl" --node "$NODE" "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" &
  client=$!
  # Connected first: the databases see statements of their own (the
  # catalog's heartbeats, the relay's reads) that are not lunchctl's.
  local waited=ok
  wait_until 20 client_connected "$client" || waited="lunchctl did not connect"
  if [[ $waited == ok ]]; then
    wait_until 20 statement_waiting "${backends[@]}" || waited="no statement reached $db"
  fi
  kill -STOP "$client"
  if [[ $waited == ok ]]; then
    wait_until 20 client_dropped "$client" || waited="the node kept lunchctl's connection"
  fi
  kill -CONT "${backends[@]}" "$client"
  RC=0
  wait "$client" || RC=$?
  OUT=$(cat "$E2E_TMP/out")
  ERR=$(cat "$E2E_TMP/err")
  [[ $waited == ok ]] || check_fail "$waited"
}
expect_rc 0 -- ctl --json user shard DROP1
drop_db=lunch_shard_$(json_value 'd["shard"]')
run_dropped "$drop_db" --json user create DROP1 --nickname drop1
expect_eq "user create over a dropped connection: exit code" 0 "$RC"
expect_json 'd["employee_id"]' '"DROP1"'
expect_rc 0 -- ctl --json user get DROP1
expect_json 'd["nickname"]' '"drop1"'
run_dropped lunch_catalog --json job submit noop
expect_eq "job submit over a dropped connection: exit code" 3 "$RC"
expect_json 'd["error"]' '"unavailable"'
expect_contains "may or may not have been applied" "$OUT" stdout
# A paused node accepts the TCP connection (its kernel does) but never
# shakes hands: lunchctl gives up after its --timeout (a hang would be 124).
kill -STOP "$LUNCHD_PID"
expect_rc 3 -- timeout 20 "$BIN/lunchctl" --node "$NODE" --json --timeout 2 node status
kill -CONT "$LUNCHD_PID"
expect_contains "no handshake within 2000 ms" "$OUT" stdout
expect_rc 0 -- ctl --json node status

# -----------------------------------------------------------------------------
section "19. lunchctl usage errors"
expect_rc 2 -- ctl --bogus node status
expect_rc 2 -- ctl node status --bogus
expect_rc 2 -- ctl party frobnicate
expect_rc 2 -- ctl party join "$Q1"
expect_rc 2 -- ctl party create --host 1 "${party_args[@]/$TOMORROW/2025-13-40}" --max 3
expect_rc 2 -- ctl user prefs 1 --time 25:00
expect_rc 2 -- "$BIN/lunchctl" --node nohost node status
expect_rc 3 -- "$BIN/lunchctl" --node 127.0.0.1:1 node status
expect_contains "unavailable" "$ERR" stderr
expect_rc 3 -- "$BIN/lunchctl" --node 127.0.0.1:1 --json node status
expect_json 'sorted(d)' '["error", "message"]'
expect_json 'd["error"]' '"unavailable"'
expect_rc 1 -- ctl --json party get 99999
expect_json 'sorted(d)' '["error", "message"]'

# -----------------------------------------------------------------------------
section "20. graceful stop"
stop_lunchd_with TERM
start_lunchd "$WORK/node.json"
expect_rc 0 -- ctl --json user get W1
stop_lunchd_with INT

echo "runtime: $((($(now_us) - E2E_T0) / 1000)) ms"
summary
