#!/usr/bin/env bash
# End-to-end test of background jobs (the old Celery tasks) on a 2-node
# cluster (scripts/cluster.sh, 4 shards):
#   0. the beat schedule has exactly the three default entries (S25);
#   1. S25 notify: two users, exact result and one `general` row each;
#   2. cancel: a running job stops within its next beat;
#   3. retries and the soft limit (noop policy from the node config);
#   4. a long notify job whose node is killed (-9) mid-way completes on
#      the survivor with exact counts: every user exactly one row;
#   5. bad input: exit codes and messages.
#
# It starts its OWN PostgreSQL in a temporary directory and its nodes on
# LUNCH_BASE_PORT..+1 (default: free ports).
# Environment: LUNCH_BIN_DIR (default $ROOT/build/bin), LUNCH_BASE_PORT;
# LUNCH_E2E_KEEP=1 keeps the temporary directory (logs) for inspection.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh disable=SC1091
source "$HERE/lib.sh"

e2e_cluster_begin jobs 2
# noop: a 500 ms soft limit and 2 attempts 100 ms apart (section 3).
export LUNCH_NODE_CONFIG='{"jobs": {"kinds": {"noop": {"soft_limit_ms": 500,
  "hard_limit_ms": 5000, "max_attempts": 2, "retry_backoff_ms": 100}}}}'

# The job's state (asked of node $2, default 0) is $3.
job_state_is() { # ID NODE STATE
  run ctl_at "$2" --json --timeout 3 job status "$1"
  [[ $RC == 0 ]] && [[ $(json_value 'd["state"]') == "$3" ]]
}

expect_job_state() { # LIMIT ID STATE
  local t0
  t0=$(now_us)
  if wait_until "$1" job_state_is "$2" "${NODE_ASKED:-0}" "$3"; then
    check_pass
    echo "job $2 $3 after $((($(now_us) - t0) / 1000)) ms"
  else
    check_fail "job $2 not $3 within $1 s" "$(_last_output)"
  fi
}

# SQL over every shard database: the sum of a count query.
count_on_shards() {
  local s total=0 n
  for s in 0 1 2 3; do
    n=$("$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d "lunch_shard_$s" -c "$1")
    total=$((total + n))
  done
  echo "$total"
}

# -----------------------------------------------------------------------------
section "setup: PostgreSQL, 2 nodes, the seed users and 280 more"
"$CLUSTER" up 2 >"$WORK/up.log" 2>&1 || fatal "cluster.sh up 2 failed: $(tail -5 "$WORK/up.log")"
expect_rc 0 -- ctl_at 0 user import "$ROOT/config/seed-users.json"
python3 -c 'import json, sys
json.dump([{"employee_id": "J%03d" % i, "nickname": "잡%d" % i} for i in range(280)],
          open(sys.argv[1], "w"), ensure_ascii=False)' "$WORK/more.json"
expect_rc 0 -- ctl_at 1 user import "$WORK/more.json"

# -----------------------------------------------------------------------------
section "0. the beat schedule: exactly the three defaults, next runs in KST"
expect_rc 0 -- ctl_at 1 --json schedule list
expect_json 'd["timezone"]' '"Asia/Seoul"'
expect_json '[(s["name"], s["kind"], s["when"]) for s in d["schedules"]]' \
  '[["daily-recommendation-cache", "recommendations", "every day 00:00"],
    ["weekly-data-cleanup", "cleanup", "sun 02:00"],
    ["daily-user-analytics", "user-analytics", "every day 18:00"]]'
expect_json '[s["next_run"][-12:] for s in d["schedules"]]' \
  '["00:00:00 KST", "02:00:00 KST", "18:00:00 KST"]'
expect_json 'd["owner"] in ("node0", "node1")' 'true'
# Each default's job runs as a manual trigger would run it at its slot.
for name in daily-recommendation-cache weekly-data-cleanup daily-user-analytics; do
  expect_rc 0 -- ctl_at 0 --json schedule trigger "$name"
  JT=$(json_value 'd["job_id"]') || fatal "schedule trigger printed no job_id: $OUT"
  expect_job_state 60 "$JT" succeeded
done
expect_rc 0 -- ctl_at 1 --json job status "$JT"
expect_json 'd["result"]["users"]' '300'

# -----------------------------------------------------------------------------
section "1. S25: notify two users"
expect_rc 0 -- ctl_at 0 --json job submit notify --users 1,2 --title 공지 --message 점검
J1=$(json_value 'd["job_id"]') || fatal "job submit printed no job_id: $OUT"
expect_json '[d["kind"], d["state"], d["args"]["users"], d["args"]["type"]]' \
  '["notify", "pending", ["1", "2"], "general"]'
expect_job_state 30 "$J1" succeeded
expect_json 'd["result"]' \
  '{"total_users": 2, "success_count": 2, "failed_count": 0, "success_rate": 100.0}'
expect_json '[d["progress"]["current"], d["progress"]["total"], d["attempts"]]' '[2, 2, 1]'
for u in 1 2; do
  expect_rc 0 -- ctl_at 1 --json notify list "$u"
  expect_json '[(n["type"], n["title"], n["message"], n["icon"]) for n in d["notifications"]]' \
    '[["general", "공지", "점검", "📄"]]'
done
expect_rc 0 -- ctl_at 1 job status "$J1"
expect_contains "job $J1 (notify): succeeded, 2/2" "$OUT"

# -----------------------------------------------------------------------------
section "2. cancel a running job"
# One user per batch and a minute's pause after it: running, and waiting.
expect_rc 0 -- ctl_at 0 --json job submit notify --users 3,4,5 --title 취소 \
  --args '{"batch": 1, "pause_ms": 60000}'
J2=$(json_value 'd["job_id"]')
expect_job_state 30 "$J2" running
expect_rc 0 -- ctl_at 1 --json job cancel "$J2"
expect_json 'd["cancel_requested"]' 'true'
expect_job_state 20 "$J2" cancelled
expect_json '[d["progress"]["current"], d["error"]]' '[1, "cancelled"]'
expect_eq "rows of the cancelled job" 1 \
  "$(count_on_shards "SELECT count(*) FROM notifications WHERE title = '취소'")"
expect_rc 0 -- ctl_at 0 --json job cancel "$J2"
expect_json 'd["state"]' '"cancelled"'

# -----------------------------------------------------------------------------
section "3. the soft time limit fails a run, which is retried once"
expect_rc 0 -- ctl_at 0 --json job submit noop --args '{"sleep_ms": 3000}'
J3=$(json_value 'd["job_id"]')
expect_job_state 30 "$J3" failed
expect_json '[d["attempts"], d["max_attempts"], d["error"]]' \
  '[2, 2, "soft time limit (500 ms) exceeded"]'
expect_rc 0 -- ctl_at 1 --json job submit noop
J4=$(json_value 'd["job_id"]')
expect_job_state 30 "$J4" succeeded
expect_json 'd["result"]' '{"status": "success"}'

# -----------------------------------------------------------------------------
section "4. the node running a long job dies; the job completes on the survivor"
# 300 users, 20 per batch, a second apart: about 15 s of work.
expect_rc 0 -- ctl_at 0 --json job submit notify --title 장기 \
  --args '{"batch": 20, "pause_ms": 1000}'
J5=$(json_value 'd["job_id"]')
started() {
  run ctl_at 0 --json --timeout 3 job status "$J5"
  [[ $RC == 0 ]] && [[ $(json_value 'd["state"] == "running" and d["progress"]["current"] >= 40') == true ]]
}
wait_until 30 started || fatal "job $J5 did not get going: $(_last_output)"
VICTIM=$(json_value 'd["node"]' | sed 's/node//')
SURVIVOR=$((1 - VICTIM))
# SIGSTOP first: the job goes no further on node$VICTIM, and it is still
# running there (the status read above may have taken long), then kill -9.
T_KILL=$(now_us)
"$CLUSTER" pause "node$VICTIM" >/dev/null
expect_rc 0 -- ctl_at "$SURVIVOR" --json --timeout 10 job status "$J5"
expect_json '[d["state"], d["node"]]' "[\"running\", \"node$VICTIM\"]"
DONE_BEFORE=$(json_value 'd["progress"]["current"]')
echo "job $J5 runs on node$VICTIM, $DONE_BEFORE of 300 sent; killing it"
"$CLUSTER" kill "node$VICTIM" >/dev/null
NODE_ASKED=$SURVIVOR expect_job_state 60 "$J5" succeeded
echo "kill -9 to the job done on the survivor: $((($(now_us) - T_KILL) / 1000)) ms"
expect_json '[d["node"], d["attempts"]]' "[\"node$SURVIVOR\", 2]"
expect_json 'd["result"]' \
  '{"total_users": 300, "success_count": 300, "failed_count": 0, "success_rate": 100.0}'
expect_json 'd["progress"]["current"]' '300'
expect_eq "rows of the job" 300 \
  "$(count_on_shards "SELECT count(*) FROM notifications WHERE title = '장기'")"
expect_eq "users with a row of the job" 300 \
  "$(count_on_shards "SELECT count(DISTINCT employee_id) FROM notifications WHERE title = '장기'")"
expect_rc 0 -- ctl_at "$SURVIVOR" --json job workers
expect_json "[w['done'] >= 1 for w in d if w['node'] == 'node$SURVIVOR']" '[true]'

# -----------------------------------------------------------------------------
section "5. bad input"
M=$SURVIVOR
expect_rc 1 -- ctl_at "$M" --json job submit celery
expect_err_code invalid_argument
expect_json 'd["message"]' \
  '"kind: must be one of recommendations, user-analytics, cleanup, notify, noop"'
expect_rc 1 -- ctl_at "$M" --json job submit notify --args '{"batch": 0}'
expect_err_code invalid_argument
expect_rc 2 -- ctl_at "$M" job submit notify --args '[1]'
expect_rc 2 -- ctl_at "$M" job submit cleanup --date 2026-02-30
expect_rc 2 -- ctl_at "$M" job status 0
expect_rc 2 -- ctl_at "$M" job status
expect_rc 1 -- ctl_at "$M" --json job status 999999
expect_err_code not_found
expect_rc 1 -- ctl_at "$M" --json job cancel 999999
expect_err_code not_found

summary
