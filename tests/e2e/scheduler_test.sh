#!/usr/bin/env bash
# End-to-end test of the cluster's scheduler (the old Celery beat) on a
# 2-node cluster (scripts/cluster.sh, 4 shards), with a schedule every 5 s
# and one at 03:00 KST:
#   1. `schedule list`: both schedules, next runs in KST, one active node;
#   2. `schedule trigger`: a manual run, the slots untouched; bad names;
#   3. the active scheduler's node is stopped (SIGSTOP, then kill -9) about
#      1.5 s before a slot: the survivor takes the lease and fires the first
#      slot after the stop exactly once, and no slot before or after is
#      missed or doubled;
#   4. every node stopped over two slots: on restart the missed slots fire
#      once, as the latest of them;
#   5. the active scheduler's node paused (SIGSTOP): the other takes the
#      lease when it expires; resumed, the paused one fires nothing twice.
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

e2e_cluster_begin scheduler 2
EVERY=5
export LUNCH_NODE_CONFIG='{"scheduler": {"tick_ms": 200, "lease_ms": 2000,
  "schedules": {"every-5s": {"kind": "noop", "every_s": 5},
                "nightly": {"kind": "noop", "at": "03:00"}}}}'

sql() {
  "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d lunch_catalog -c "$1"
}

# "YYYY-MM-DD HH:MM:SS KST" of epoch seconds $1.
kst() {
  TZ=Asia/Seoul date -d "@$1" '+%F %T KST'
}

now_s() {
  date +%s
}

# The node whose scheduler holds the lease, asked of node $1.
owner_of() {
  run ctl_at "$1" --json --timeout 3 schedule list
  [[ $RC == 0 ]] && json_value 'd["owner"]'
}

# Node $1 holds the scheduler lease (as node $1 sees it).
holds_lease() {
  [[ $(owner_of "$1") == "node$1" ]]
}

# Waits up to $2 s for node $1 to take the lease; prints how long after $3
# (now_us) that was, $4 naming the cause.
expect_lease_taken() { # NODE LIMIT SINCE WHAT
  if wait_until "$2" holds_lease "$1"; then
    check_pass
    echo "lease taken by node$1 $((($(now_us) - $3) / 1000)) ms after $4"
  else
    check_fail "node$1 did not take the scheduler lease within $2 s ($4)" "$OUT"
  fi
}

# A slot of every-5s at or after epoch second $1 has fired.
fired_since() {
  [[ $(sql "SELECT count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND NOT manual AND slot >= to_timestamp($1)") -ge 1 ]]
}

# Every slot of every-5s fired once: as many runs as distinct slots, counted
# in one statement (the scheduler keeps firing between two).
expect_each_slot_once() {
  local counts
  counts=$(sql "SELECT count(*) || ' ' || count(DISTINCT slot) FROM schedule_runs WHERE schedule = 'every-5s' AND NOT manual")
  expect_eq "runs of every-5s vs distinct slots" "${counts#* }" "${counts% *}"
}

# -----------------------------------------------------------------------------
section "setup: PostgreSQL, 2 nodes, a schedule every 5 s and one at 03:00"
"$CLUSTER" up 2 >"$WORK/up.log" 2>&1 || fatal "cluster.sh up 2 failed: $(tail -5 "$WORK/up.log")"

# -----------------------------------------------------------------------------
section "1. schedule list"
NIGHTLY_NEXT=$(python3 -c '
import datetime as dt
kst = dt.timezone(dt.timedelta(hours=9))
now = dt.datetime.now(kst)
t = now.replace(hour=3, minute=0, second=0, microsecond=0)
if t <= now:
    t += dt.timedelta(days=1)
print(t.strftime("%Y-%m-%d %H:%M:%S KST"))')
wait_until 30 owner_of 1 || fatal "no active scheduler within 30 s: $OUT"
expect_rc 0 -- ctl_at 1 --json schedule list
expect_json 'd["timezone"]' '"Asia/Seoul"'
expect_json '[s["name"] for s in d["schedules"]]' '["every-5s", "nightly"]'
expect_json 'd["owner"] in ("node0", "node1")' 'true'
expect_json 'd["schedules"][0]["when"]' '"every 5 s"'
expect_json 'd["schedules"][1]["when"]' '"every day 03:00"'
expect_json 'd["schedules"][1]["next_run"]' "\"$NIGHTLY_NEXT\""
expect_json 'd["schedules"][1]["fired"]' '0'
expect_rc 0 -- ctl_at 0 schedule list
expect_contains "nightly" "$OUT"
expect_contains "$NIGHTLY_NEXT" "$OUT"

# -----------------------------------------------------------------------------
section "2. schedule trigger"
expect_rc 0 -- ctl_at 0 --json schedule trigger nightly
TJOB=$(json_value 'd["job_id"]') || fatal "trigger printed no job_id: $OUT"
job_succeeded() {
  run ctl_at 1 --json --timeout 3 job status "$1"
  [[ $RC == 0 ]] && [[ $(json_value 'd["state"]') == succeeded ]]
}
if wait_until 30 job_succeeded "$TJOB"; then check_pass; else check_fail "triggered job $TJOB did not succeed" "$OUT"; fi
expect_rc 0 -- ctl_at 1 --json schedule list
expect_json 'd["schedules"][1]["manual_runs"]' '1'
expect_json 'd["schedules"][1]["fired"]' '0'
expect_json 'd["schedules"][1]["last_slot"]' '""'
expect_json "d[\"schedules\"][1][\"last_run_job\"] == $TJOB" 'true'
expect_rc 1 -- ctl_at 0 --json schedule trigger weekly
expect_err_code not_found
expect_contains "schedule weekly not found" "$OUT"
expect_rc 2 -- ctl_at 0 schedule trigger
expect_rc 2 -- ctl_at 0 schedule launch

# -----------------------------------------------------------------------------
section "3. stop the active scheduler's node about 1.5 s before a slot"
OWNER=$(owner_of 0) || fatal "no owner: $OUT"
SURVIVOR=$([[ $OWNER == node0 ]] && echo 1 || echo 0)
echo "active scheduler: $OWNER; survivor node$SURVIVOR"
# Aim at 1.5 s before a slot at least 3 s ahead (it was not fired yet).
AIM=$((($(now_s) / EVERY + 1) * EVERY))
if ((AIM - $(now_s) < 3)); then
  AIM=$((AIM + EVERY))
fi
python3 -c 'import sys, time; time.sleep(max(0, int(sys.argv[1]) - 1.5 - time.time()))' "$AIM"
# SIGSTOP first: from then on the owner fires nothing, however slow the
# machine; the slot under test is the first one after the stop (AIM unless
# the machine was too slow to stop it in time), then kill -9.
T_KILL=$(now_us)
"$CLUSTER" pause "$OWNER" >/dev/null
SLOT=$((($(now_s) / EVERY + 1) * EVERY))
echo "owner stopped $((SLOT * 1000 - T_KILL / 1000)) ms before the slot $(kst "$SLOT") (aimed at $(kst "$AIM"))"
"$CLUSTER" kill "$OWNER" >/dev/null
expect_eq "runs of the slot fired before it came" 0 \
  "$(sql "SELECT count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND slot >= to_timestamp($SLOT) AND fired_at < to_timestamp($SLOT)")"
expect_lease_taken "$SURVIVOR" 30 "$T_KILL" "SIGSTOP and kill -9 of $OWNER"
wait_until 30 fired_since "$SLOT" || check_fail "slot $(kst "$SLOT") never fired"
# Two more slots pass on the survivor.
wait_until 30 fired_since $((SLOT + 2 * EVERY)) || check_fail "the survivor fired no slot from $(kst $((SLOT + 2 * EVERY))) on"
expect_eq "runs of the slot $(kst "$SLOT")" 1 \
  "$(sql "SELECT count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND slot = to_timestamp($SLOT)")"
expect_eq "fired by" "node$SURVIVOR" \
  "$(sql "SELECT fired_by FROM schedule_runs WHERE schedule = 'every-5s' AND slot = to_timestamp($SLOT)")"
echo "slot fired $(sql "SELECT round(extract(epoch FROM fired_at - slot) * 1000) FROM schedule_runs WHERE schedule = 'every-5s' AND slot = to_timestamp($SLOT)") ms after it came"
expect_each_slot_once
# No gap: consecutive slots from the first fired to the last.
expect_eq "slots without a gap" t \
  "$(sql "SELECT (extract(epoch FROM max(slot) - min(slot)) / $EVERY + 1) = count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND NOT manual")"
SJOB=$(sql "SELECT job_id FROM schedule_runs WHERE schedule = 'every-5s' AND slot = to_timestamp($SLOT)")
if wait_until 30 job_succeeded "$SJOB"; then check_pass; else check_fail "job $SJOB of the slot did not succeed" "$OUT"; fi
# The list's count of firings, between the runs counted before and after
# it (a slot may fire while it is read).
RUNS_SQL="SELECT count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND NOT manual"
RUNS_BEFORE=$(sql "$RUNS_SQL")
expect_rc 0 -- ctl_at "$SURVIVOR" --json schedule list
expect_json "$RUNS_BEFORE <= d[\"schedules\"][0][\"fired\"] <= $(sql "$RUNS_SQL")" 'true'

# -----------------------------------------------------------------------------
section "4. every node down over two slots: one firing on recovery"
"$CLUSTER" down >/dev/null
LAST=$(sql "SELECT extract(epoch FROM max(slot))::bigint FROM schedule_runs WHERE schedule = 'every-5s'")
# Two slots pass with no scheduler running.
python3 -c 'import sys, time; time.sleep(max(0, int(sys.argv[1]) + 2 * int(sys.argv[2]) + 0.5 - time.time()))' "$LAST" "$EVERY"
T_UP=$(now_s)
"$CLUSTER" up 2 >"$WORK/up2.log" 2>&1 || fatal "cluster.sh up 2 (again) failed: $(tail -5 "$WORK/up2.log")"
wait_until 30 fired_since $((LAST + 1)) || fatal "no slot fired after the restart"
FIRST=$(sql "SELECT extract(epoch FROM slot)::bigint FROM schedule_runs WHERE schedule = 'every-5s' AND slot > to_timestamp($LAST) ORDER BY slot LIMIT 1")
echo "last slot before the stop $(kst "$LAST"), first after the restart $(kst "$FIRST") (nodes started at $(kst "$T_UP"))"
if ((FIRST - LAST >= 2 * EVERY)); then
  check_pass
else
  check_fail "the first slot after the restart is not the latest of two missed ones" "last $LAST, first $FIRST"
fi
# Fired for the latest slot due: not one older than the nodes' start (how
# long after its slot it fired is information only).
echo "the recovered slot fired $(sql "SELECT round(extract(epoch FROM fired_at - slot) * 1000) FROM schedule_runs WHERE schedule = 'every-5s' AND slot = to_timestamp($FIRST)") ms after it came"
expect_eq "the recovered slot $(kst "$FIRST") is at least the latest due at the start $(kst $((T_UP / EVERY * EVERY)))" 1 \
  "$((FIRST >= T_UP / EVERY * EVERY))"
expect_each_slot_once

# -----------------------------------------------------------------------------
section "5. the active scheduler's node paused (SIGSTOP), then resumed"
OWNER=$(owner_of 0) || fatal "no owner: $OUT"
OTHER=$([[ $OWNER == node0 ]] && echo 1 || echo 0)
T_PAUSE=$(now_us)
"$CLUSTER" pause "$OWNER" >/dev/null
expect_lease_taken "$OTHER" 30 "$T_PAUSE" "SIGSTOP of $OWNER"
PAUSED_AT=$(now_s)
# A slot passes on node$OTHER, then the paused node resumes and a whole
# interval passes in which it could fire a slot twice.
wait_until 30 fired_since $((PAUSED_AT + 1)) || check_fail "no slot fired after the pause"
"$CLUSTER" resume "$OWNER" >/dev/null
RESUMED_AT=$(now_s)
wait_until 30 fired_since $((RESUMED_AT + EVERY)) || check_fail "no slot fired a whole interval after the resume"
expect_eq "slots fired by node$OTHER since the pause" true \
  "$([[ $(sql "SELECT count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND slot > to_timestamp($PAUSED_AT) AND fired_by = 'node$OTHER'") -ge 2 ]] && echo true || echo false)"
expect_each_slot_once
expect_eq "slots without a gap since the restart" t \
  "$(sql "SELECT (extract(epoch FROM max(slot) - min(slot)) / $EVERY + 1) = count(*) FROM schedule_runs WHERE schedule = 'every-5s' AND NOT manual AND slot >= to_timestamp($FIRST)")"

summary
