#!/usr/bin/env bash
# Jobs benchmark: the old way (Celery 5 workers on a Redis broker,
# scripts/bench/jobs_celery.py) against lunchmesh's job runner, side by
# side in one run, on the same machine and the same private PostgreSQL.
#
#   1. notify: BENCH_NOTIFY users (default 10 000) get one notification
#      each. Celery: one task per user (as the issue asks), each inserting
#      one row. lunchmesh: one `notify` job for all users, which inserts
#      them in batches through the shards. Latency per notification: from
#      its submit (Celery: the task's; lunchmesh: the job's) to the row's
#      insert; throughput: notifications / (last insert − first submit).
#   2. dispatch: BENCH_NOOP no-op tasks (default 100 000) vs as many no-op
#      jobs (`job submit noop --count N`, one insert). Latency per job:
#      submit to done (Celery: the task's own finish time; lunchmesh: the
#      job row's finished_at); throughput: jobs / (last done − first submit).
# Prints both sides, p50/p99 and the ratios (goal: ≥ 10× Celery on both).
#
# Knobs: BENCH_NOTIFY (10000), BENCH_NOOP (100000), BENCH_CONCURRENCY
# (Celery worker processes; default the number of cores), BENCH_SKIP_BUILD=1,
# BENCH_BUILD_DIR, BENCH_KEEP=1; LUNCH_PG_DIR, LUNCH_CLUSTER_DIR,
# LUNCH_BASE_PORT, LUNCH_SHARDS (4).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

NOTIFY=${BENCH_NOTIFY:-10000}
NOOP=${BENCH_NOOP:-100000}
CONCURRENCY=${BENCH_CONCURRENCY:-$(nproc)}
for knob in NOTIFY NOOP CONCURRENCY; do
  if ! [[ ${!knob} =~ ^[1-9][0-9]*$ ]]; then
    die "$knob must be a positive integer, not '${!knob}'"
  fi
done

export LUNCH_PG_DIR=${LUNCH_PG_DIR:-$ROOT/.pg-bench-jobs}
export LUNCH_CLUSTER_DIR=${LUNCH_CLUSTER_DIR:-$ROOT/.cluster-bench-jobs}
export LUNCH_SHARDS=${LUNCH_SHARDS:-4}
export LUNCH_NODE_CONFIG='{"request_timeout_ms": 60000}'
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$BUILD_DIR/bin}
CLUSTER=$ROOT/scripts/cluster.sh
PG=$ROOT/scripts/pg.sh
LUNCHCTL=$LUNCH_BIN_DIR/lunchctl
WORK=

bench_build "$BUILD_DIR" lunchd lunchctl
bench_traps
bench_fresh_state lunch-bench-jobs
if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
  LUNCH_BASE_PORT=$(free_port 1)
fi
export LUNCH_BASE_PORT
NODE0=127.0.0.1:$LUNCH_BASE_PORT
ctl() { "$LUNCHCTL" --node "$NODE0" --timeout 600 "$@"; }
catalog_sql() { "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d lunch_catalog -c "$1"; }
shard_sql() { "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d "lunch_shard_$1" -c "$2"; }

heading "lunchmesh: one node, $NOTIFY users"
"$CLUSTER" up 1
python3 -c 'import json, sys
json.dump([{"employee_id": "B%06d" % i, "nickname": "벤치%d" % i} for i in range(int(sys.argv[1]))],
          open(sys.argv[2], "w"), ensure_ascii=False)' "$NOTIFY" "$WORK/users.json"
ctl user import "$WORK/users.json" >/dev/null

# Waits until no job is pending or running.
wait_jobs_done() {
  local left
  while :; do
    left=$(catalog_sql "SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')")
    ((left == 0)) && return 0
    sleep 0.2
  done
}

heading "lunchmesh: notify $NOTIFY users (one job)"
ctl --json job submit notify --title bench-notify --message 점검 >"$WORK/notify.json"
wait_jobs_done
ctl --json job status "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job_id"])' "$WORK/notify.json")" >"$WORK/notify_done.json"
SUBMITTED=$(catalog_sql "SELECT extract(epoch FROM submitted_at) FROM jobs WHERE kind = 'notify'")
for s in 0 1 2 3; do
  shard_sql "$s" "SELECT extract(epoch FROM created_at) FROM notifications WHERE title = 'bench-notify'"
done >"$WORK/notify_rows.txt"

heading "lunchmesh: $NOOP no-op jobs (one submit)"
ctl --json job submit noop --count "$NOOP" >/dev/null
wait_jobs_done
catalog_sql "SELECT extract(epoch FROM submitted_at), extract(epoch FROM finished_at)
  FROM jobs WHERE kind = 'noop' AND state = 'succeeded'" >"$WORK/noop_rows.txt"

heading "Celery: $CONCURRENCY worker processes, Redis broker, the same PostgreSQL"
"$CLUSTER" down >/dev/null
CELERY_RC=0
/usr/bin/python3 "$ROOT/scripts/bench/jobs_celery.py" --dsn "$("$PG" dsn lunch_catalog)" \
  --concurrency "$CONCURRENCY" --notify "$NOTIFY" --noop "$NOOP" \
  --json-out "$WORK/celery.json" >/dev/null || CELERY_RC=$?

heading "Results"
python3 - "$WORK" "$SUBMITTED" "$NOTIFY" "$NOOP" "$CELERY_RC" <<'PY'
import json, math, os, sys
work, submitted, n_notify, n_noop, celery_rc = sys.argv[1], float(sys.argv[2]), *map(int, sys.argv[3:])

def pct(xs, p):  # nearest rank, as bench_stats.hpp
    xs = sorted(xs)
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]

rows = [float(x) for x in open(os.path.join(work, "notify_rows.txt")).read().split()]
job = json.load(open(os.path.join(work, "notify_done.json")))
assert len(rows) == n_notify, f"{len(rows)} notification rows, expected {n_notify}"
assert job["result"]["success_count"] == n_notify, job
lat = [(r - submitted) * 1000 for r in rows]
lm_notify = {"per_second": n_notify / (max(rows) - submitted), "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}

pairs = [tuple(map(float, l.split("|"))) for l in open(os.path.join(work, "noop_rows.txt")).read().split()]
assert len(pairs) == n_noop, f"{len(pairs)} no-op jobs done, expected {n_noop}"
lat = [(f - s) * 1000 for s, f in pairs]
lm_noop = {"per_second": n_noop / (max(f for _, f in pairs) - min(s for s, _ in pairs)),
           "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}

celery = None
if celery_rc == 0:
    celery = json.load(open(os.path.join(work, "celery.json")))
else:
    print(f"Celery peer failed (exit {celery_rc}); lunchmesh figures only")

def line(name, x):
    print(f"{name:34s} {x['per_second']:10.0f}/s   p50 {x['p50_ms']:9.1f} ms   p99 {x['p99_ms']:9.1f} ms")

print(f"notify, {n_notify} users")
line("  lunchmesh (1 notify job)", lm_notify)
if celery: line(f"  Celery ({celery['config']['concurrency']} processes, 1 task/user)", celery["notify"])
print(f"dispatch, {n_noop} no-ops")
line("  lunchmesh (noop jobs)", lm_noop)
if celery: line("  Celery (noop tasks)", celery["noop"])
if celery:
    for what, lm, c in (("notify", lm_notify, celery["notify"]), ("dispatch", lm_noop, celery["noop"])):
        print(f"{what}: throughput {lm['per_second'] / c['per_second']:.1f}×, "
              f"p50 {c['p50_ms'] / lm['p50_ms']:.1f}× lower, p99 {c['p99_ms'] / lm['p99_ms']:.1f}× lower  (goal ≥ 10×)")
PY
