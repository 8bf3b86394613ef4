#!/usr/bin/env bash
# Write/read benchmark: lunchmesh beside pgbench on the same private
# PostgreSQL, in one run. Builds, starts a fresh PostgreSQL ($ROOT/.pg-bench)
# and one node ($ROOT/.cluster-bench), then
#   1. pgbench: single-row INSERTs (one commit each), 1 client and C clients;
#   2. lunchbench (tests/bench/lunchbench.cpp): party creates + joins, then
#      cached profile reads, through the node with K requests in flight;
#   3. the reads' ceiling: the same reads against a bare CAF remote
#      request/response loop (lunchbench --serve-echo);
#   4. the same writes with 1, 8, 64 and 256 requests in flight (a sweep:
#      what batching costs in latency and gains in rate);
# prints ops/s, p50/p99, the transactions PostgreSQL committed per second
# and the writes per commit (the group commit at work), the ratios, and
# stops everything (also on failure or Ctrl-C). Exit 1 if lunchbench saw
# unexpected errors.
#
# Knobs (environment):
#   BENCH_SECONDS   pgbench duration per run            (default 10)
#   BENCH_CLIENTS   pgbench clients C                   (default 8)
#   BENCH_USERS     bench users                         (default 1000)
#   BENCH_PARTIES   party creates                       (default 5000)
#   BENCH_JOINS     joins per created party, 0-6        (default 3)
#   BENCH_INFLIGHT  lunchbench requests in flight K     (default 64)
#   BENCH_READS     cached profile reads                (default 200000)
#   BENCH_THREADS   lunchbench's CAF scheduler threads  (default 2)
#   BENCH_SWEEP     requests in flight of the sweep     (default "1 8 64 256";
#                   "" skips it)
#   BENCH_SWEEP_PARTIES  party creates per sweep step   (default 250)
#   BENCH_SKIP_BUILD=1  use the binaries in LUNCH_BIN_DIR (default build/bin)
#   BENCH_KEEP=1    keep $ROOT/.pg-bench and $ROOT/.cluster-bench afterwards
#   BENCH_JSON_OUT  also write lunchbench's JSON figures to this file
#   LUNCH_SHARDS    shard databases (default 4), LUNCH_BASE_PORT (default: free)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-8}
USERS=${BENCH_USERS:-1000}
PARTIES=${BENCH_PARTIES:-5000}
JOINS=${BENCH_JOINS:-3}
INFLIGHT=${BENCH_INFLIGHT:-64}
READS=${BENCH_READS:-200000}
THREADS=${BENCH_THREADS:-2}
SWEEP=${BENCH_SWEEP-1 8 64 256}
SWEEP_PARTIES=${BENCH_SWEEP_PARTIES:-250}
READ_GOAL=20000
WRITE_GOAL=1.0     # x pgbench with CLIENTS clients, at 64 in flight
WRITE_GOAL_256=1.5 # the same, at 256 in flight
P99_GOAL_MS=20     # writes' p99 at 64 in flight

for k in $SWEEP; do
  [[ $k =~ ^[1-9][0-9]*$ ]] || die "BENCH_SWEEP must list positive integers, not '$SWEEP'"
done
for knob in SECONDS_PER_RUN CLIENTS USERS PARTIES JOINS INFLIGHT READS THREADS SWEEP_PARTIES; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a non-negative integer, not '${!knob}'"
done
((SECONDS_PER_RUN >= 1 && CLIENTS >= 1 && USERS >= 1 && INFLIGHT >= 1 && THREADS >= 1)) ||
  die "BENCH_SECONDS, BENCH_CLIENTS, BENCH_USERS, BENCH_INFLIGHT and BENCH_THREADS must be >= 1"

# The child scripts (pg.sh, cluster.sh) read these.
export LUNCH_PG_DIR=$ROOT/.pg-bench
export LUNCH_CLUSTER_DIR=$ROOT/.cluster-bench
# Durable commits on both sides (BENCH_FSYNC=off for the throwaway setting):
# an acknowledged write must survive a crash, and batching commits is what
# the shard owners' group commit is for.
export LUNCH_PG_FSYNC=${BENCH_FSYNC:-on}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$ROOT/build/bin}
PG=$ROOT/scripts/pg.sh
CLUSTER=$ROOT/scripts/cluster.sh
PG_BIN=${LUNCH_PG_BIN:-/usr/lib/postgresql/15/bin}
PGBENCH=$PG_BIN/pgbench
LUNCHBENCH=$LUNCH_BIN_DIR/lunchbench
WORK=
ECHO_PID=

bench_build "$ROOT/build" lunchd lunchctl lunchbench
[[ -x $LUNCHBENCH && -x $PGBENCH ]] || die "missing $LUNCHBENCH or $PGBENCH"

# shellcheck disable=SC2317 # called from the EXIT trap
on_exit() {
  show_node_log_on_failure $?
  if [[ -n $ECHO_PID ]]; then
    kill -TERM "$ECHO_PID" 2>/dev/null || true
  fi
  stop_cluster_and_pg
  [[ -n $WORK ]] && rm -rf "$WORK"
  if [[ ${BENCH_KEEP:-0} != 1 ]]; then
    rm -rf "$LUNCH_PG_DIR" "$LUNCH_CLUSTER_DIR"
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Fresh state each run: users and parties of an earlier run would change
# what is measured (stop leftovers of an interrupted run first).
bench_fresh_state lunch-bench

if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
  LUNCH_BASE_PORT=$(free_port 1)
fi
export LUNCH_BASE_PORT
NODE=127.0.0.1:$LUNCH_BASE_PORT

heading "Starting PostgreSQL and one node (port $LUNCH_BASE_PORT)"
"$CLUSTER" up 1

# -- the peer: pgbench single-row inserts on the same server -----------------
dsn=$("$PG" dsn)
PGHOST_DIR=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$dsn")
PGPORT_NUM=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$dsn")
[[ -n $PGHOST_DIR && -n $PGPORT_NUM ]] || die "cannot parse host/port from DSN '$dsn'"

"$PG" psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE bench_peer' >/dev/null
"$PG" psql -X -q -v ON_ERROR_STOP=1 -d bench_peer -c \
  'CREATE TABLE t (id bigserial PRIMARY KEY, a bigint NOT NULL, b text NOT NULL)' >/dev/null
cat >"$WORK/insert.sql" <<'SQL'
\set id random(1, 1000000000)
INSERT INTO t (a, b) VALUES (:id, 'x');
SQL

# Runs pgbench with $1 clients; prints "TPS P50_MS P99_MS" (latencies from
# the per-transaction log).
run_pgbench() {
  local clients=$1 jobs out tps prefix=$WORK/pgbench_c$1
  jobs=$((clients < 2 ? clients : 2))
  out=$(cd "$WORK" && PGHOST=$PGHOST_DIR PGPORT=$PGPORT_NUM PGUSER=postgres \
    "$PGBENCH" -n -f "$WORK/insert.sql" -c "$clients" -j "$jobs" \
    -T "$SECONDS_PER_RUN" -l --log-prefix="$prefix" bench_peer 2>&1) || {
    echo "$out" >&2
    die "pgbench with $clients clients failed"
  }
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | head -n 1)
  [[ -n $tps ]] || {
    echo "$out" >&2
    die "no tps in pgbench output"
  }
  # Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us.
  python3 - "$tps" "$prefix" <<'PY'
import glob, sys
tps, prefix = sys.argv[1], sys.argv[2]
lat = []
for name in glob.glob(prefix + ".*"):
    with open(name) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                lat.append(int(parts[2]) / 1000.0)
lat.sort()
pct = lambda p: lat[min(int(p / 100 * len(lat)), len(lat) - 1)] if lat else 0.0
print(tps, "%.3f" % pct(50), "%.3f" % pct(99))
PY
  rm -f "$prefix".*
}

heading "pgbench: single-row INSERT, 1 client, ${SECONDS_PER_RUN}s"
read -r PG1_TPS PG1_P50 PG1_P99 < <(run_pgbench 1)
echo "tps $PG1_TPS, p50 $PG1_P50 ms, p99 $PG1_P99 ms"
heading "pgbench: single-row INSERT, $CLIENTS clients, ${SECONDS_PER_RUN}s"
read -r PGC_TPS PGC_P50 PGC_P99 < <(run_pgbench "$CLIENTS")
echo "tps $PGC_TPS, p50 $PGC_P50 ms, p99 $PGC_P99 ms"

# -- lunchmesh ----------------------------------------------------------------
heading "lunchbench: $USERS users, $PARTIES parties x $JOINS joins, $READS reads, $INFLIGHT in flight"
BENCH_RC=0
# The node's and the database's CPU per op: a figure the machine's other
# tenants barely move, unlike the rates (an older lunchbench, as compare.sh
# may run, cannot watch them).
CPU_WATCH=()
if "$LUNCHBENCH" --help | grep -q -- --node-pid; then
  CPU_WATCH=(--node-pid "$(cat "$LUNCH_CLUSTER_DIR/node0.pid")"
    --db-pid "$(head -n 1 "$LUNCH_PG_DIR/data/postmaster.pid")")
fi
# The transactions the shard databases committed (read-only ones
# included), from pg_stat_database. A backend reports its counts when it
# goes idle, at most once a second: after a second's wait, one request to
# every shard (shard stats, answered by each owner on its connection) makes
# every owner's backend report.
shard_commits() {
  sleep 1.1
  "$LUNCH_BIN_DIR/lunchctl" --node "$NODE" shard stats >/dev/null 2>&1 || true
  sleep 0.2
  "$PG" psql -X -A -t -q -c "SELECT sum(xact_commit) FROM pg_stat_database
    WHERE datname LIKE 'lunch_shard_%'"
}

# lunchbench_run OUT ARGS...: one run through the node, its JSON in OUT;
# sets BENCH_RC.
lunchbench_run() { # OUT ARGS...
  local out=$1
  shift
  "$LUNCHBENCH" --node "$NODE" --users "$USERS" --threads "$THREADS" \
    "${CPU_WATCH[@]}" --json "$@" >"$out" || BENCH_RC=$?
  [[ -s $out ]] || die "lunchbench printed nothing (exit $BENCH_RC)"
}

# lunchbench_writes OUT ARGS...: a run of writes, with the shard databases'
# commits during it added to OUT's JSON (writes.commits).
lunchbench_writes() { # OUT ARGS...
  local out=$1 x0 x1
  x0=$(shard_commits)
  lunchbench_run "$@"
  x1=$(shard_commits)
  python3 - "$out" "$((x1 - x0))" <<'PY'
import json, sys
path, commits = sys.argv[1], int(sys.argv[2])
r = json.load(open(path))
r["writes"]["commits"] = commits
json.dump(r, open(path, "w"))
PY
}

# The users first (their creates are not the writes measured), then the
# writes alone, then the reads alone.
lunchbench_run "$WORK/setup.json" --parties 0 --reads 0
lunchbench_writes "$WORK/writes.json" --no-setup --parties "$PARTIES" \
  --joins-per-party "$JOINS" --inflight "$INFLIGHT" --reads 0
lunchbench_run "$WORK/reads.json" --no-setup --parties 0 \
  --inflight "$INFLIGHT" --reads "$READS"
# The reads' ceiling: the same client and window against a bare CAF remote
# request/response loop (lunchbench --serve-echo), with as many scheduler
# threads as the node.
heading "The ceiling: a bare CAF remote request/response loop, $READS reads, $INFLIGHT in flight"
ECHO_PORT=$(free_port 1)
"$LUNCHBENCH" --serve-echo --node "127.0.0.1:$ECHO_PORT" \
  --threads "$(nproc)" >"$WORK/echo.out" 2>&1 &
ECHO_PID=$!
echo_ready() { grep -qs '^ready' "$WORK/echo.out"; }
# kill -0, not proc_alive: right after `&` the child is still a copy of this
# shell, not yet lunchbench, and has not even opened echo.out.
for ((i = 0; i < 100; i++)); do
  if echo_ready || ! kill -0 "$ECHO_PID" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
echo_ready || die "the echo server did not start: $(cat "$WORK/echo.out")"
"$LUNCHBENCH" --node "127.0.0.1:$ECHO_PORT" --echo --no-setup --parties 0 \
  --users "$USERS" --inflight "$INFLIGHT" --reads "$READS" \
  --threads "$THREADS" --json >"$WORK/echo.json" || BENCH_RC=$?
kill -TERM "$ECHO_PID" 2>/dev/null || true
wait "$ECHO_PID" 2>/dev/null || true
ECHO_PID=
[[ -s $WORK/echo.json ]] || die "lunchbench --echo printed nothing"

python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
w = json.load(open(os.path.join(work, "writes.json")))
r = json.load(open(os.path.join(work, "reads.json")))
e = json.load(open(os.path.join(work, "echo.json")))
w["reads"] = r.get("reads", {})
w["echo"] = e.get("reads", {})
w["errors"] = w.get("errors", 0) + r.get("errors", 0)
w["error_samples"] = w.get("error_samples", []) + r.get("error_samples", [])
json.dump(w, open(os.path.join(work, "lunchbench.json"), "w"))
PY

SWEEP_FILES=()
for k in $SWEEP; do
  heading "Sweep: $SWEEP_PARTIES parties x $JOINS joins with $k in flight"
  lunchbench_writes "$WORK/sweep_$k.json" --no-setup --parties "$SWEEP_PARTIES" \
    --joins-per-party "$JOINS" --inflight "$k" --reads 0
  SWEEP_FILES+=("$WORK/sweep_$k.json")
done
[[ -z ${BENCH_JSON_OUT:-} ]] || cp "$WORK/lunchbench.json" "$BENCH_JSON_OUT"

heading "Results (ratios matter; absolute figures on a shared machine are noise)"
python3 - "$WORK/lunchbench.json" "$CLIENTS" "$PG1_TPS" "$PG1_P50" "$PG1_P99" \
  "$PGC_TPS" "$PGC_P50" "$PGC_P99" "$READ_GOAL" "$WRITE_GOAL" "$WRITE_GOAL_256" \
  "$P99_GOAL_MS" "${SWEEP_FILES[@]}" <<'PY'
import json, sys
path, clients = sys.argv[1], sys.argv[2]
pg1, pg1_50, pg1_99, pgc, pgc_50, pgc_99 = map(float, sys.argv[3:9])
read_goal, write_goal = float(sys.argv[9]), float(sys.argv[10])
write_goal_256, p99_goal = float(sys.argv[11]), float(sys.argv[12])
sweep = [json.load(open(f)) for f in sys.argv[13:]]
r = json.load(open(path))
w, rd, ec = r.get("writes", {}), r.get("reads", {}), r.get("echo", {})

rows = [
    ("pgbench INSERT, 1 client", pg1, pg1_50, pg1_99),
    ("pgbench INSERT, %s clients" % clients, pgc, pgc_50, pgc_99),
    ("lunchmesh writes (create+join)", w.get("ops_per_s", 0), w.get("p50_ms", 0), w.get("p99_ms", 0)),
    ("  party creates", None, w.get("create_p50_ms", 0), w.get("create_p99_ms", 0)),
    ("  party joins", None, w.get("join_p50_ms", 0), w.get("join_p99_ms", 0)),
    ("lunchmesh cached reads (usr_get)", rd.get("ops_per_s", 0), rd.get("p50_ms", 0), rd.get("p99_ms", 0)),
    ("bare CAF remote loop (ceiling)", ec.get("ops_per_s", 0), ec.get("p50_ms", 0), ec.get("p99_ms", 0)),
]
print("%-34s %10s %9s %9s" % ("", "ops/s", "p50 ms", "p99 ms"))
for name, rate, p50, p99 in rows:
    print("%-34s %10s %9.2f %9.2f" % (name, "" if rate is None else "%.0f" % rate, p50, p99))
print()
for name, ph in (("writes", w), ("cached reads", rd)):
    if "node_cpu_ms_per_op" in ph:
        print("lunchmesh %s: CPU per op %.3f ms in the node, %.3f ms in PostgreSQL"
              % (name, ph["node_cpu_ms_per_op"], ph.get("db_cpu_ms_per_op", 0)))
print()
print("lunchmesh: %d writes (%d creates, %d joins; %d refused as party_full/"
      "already_joined), %d reads, %d requests in flight, %d unexpected errors"
      % (w.get("ops", 0), w.get("creates", 0), w.get("joins", 0),
         w.get("refused", 0), rd.get("ops", 0), r.get("inflight", 0),
         r.get("errors", 0)))
for s in r.get("error_samples", []):
    print("  error:", s)
def ratio(a, b):
    return a / b if b > 0 else 0.0
def commits(ph):
    x, secs = ph.get("commits", 0), ph.get("seconds", 0)
    return ratio(x, secs), ratio(ph.get("ops", 0), x)
cps, per = commits(w)
print("PostgreSQL during the writes: %.0f commits/s, %.1f writes per commit"
      " (the shard databases' commits, read-only ones included)" % (cps, per))
if sweep:
    print()
    print("%-22s %10s %9s %9s %11s %14s %11s"
          % ("writes, in flight", "ops/s", "p50 ms", "p99 ms", "commits/s",
             "writes/commit", "/ pgbench"))
    for s in sweep:
        ph = s.get("writes", {})
        c, p = commits(ph)
        print("%-22s %10.0f %9.2f %9.2f %11.0f %14.1f %10.2fx"
              % (s.get("inflight"), ph.get("ops_per_s", 0), ph.get("p50_ms", 0),
                 ph.get("p99_ms", 0), c, p, ratio(ph.get("ops_per_s", 0), pgc)))
print()
wr = w.get("ops_per_s", 0)
print("lunchmesh writes / pgbench (%s clients): %.2fx   (goal >= %.1fx at %d in flight: %s)"
      % (clients, ratio(wr, pgc), write_goal, r.get("inflight", 0),
         "met" if ratio(wr, pgc) >= write_goal else "NOT met"))
at256 = [s for s in sweep if s.get("inflight") == 256]
if at256:
    x = ratio(at256[0].get("writes", {}).get("ops_per_s", 0), pgc)
    print("  at 256 in flight (sweep):             %.2fx   (goal >= %.1fx: %s)"
          % (x, write_goal_256, "met" if x >= write_goal_256 else "NOT met"))
print("lunchmesh writes p99: %.1f ms            (goal <= %.0f ms at 64 in flight: %s)"
      % (w.get("p99_ms", 0), p99_goal,
         "met" if w.get("p99_ms", 0) <= p99_goal else "NOT met"))
print("lunchmesh writes / pgbench (1 client):  %.2fx" % ratio(wr, pg1))
x = ratio(rd.get("ops_per_s", 0), ec.get("ops_per_s", 0))
print("lunchmesh cached reads / CAF loop:      %.2fx   (goal >= 0.6x: %s)"
      % (x, "met" if x >= 0.6 else "NOT met"))
print("lunchmesh cached reads / 20 k/s goal:   %.2fx   (%s)"
      % (ratio(rd.get("ops_per_s", 0), read_goal),
         "met" if rd.get("ops_per_s", 0) >= read_goal else "NOT met"))
print()
print("Note: each lunchmesh write is a full transaction (a create inserts the"
      " party,\nits member row and a points ledger row; a join a member row and"
      " a ledger row),\nplus its outbox row, the relay's notification row, the"
      " users' existence check\nand the actor hops, while a pgbench op is one"
      " single-row INSERT. lunchmesh\nlatencies include the client's own"
      " queueing with %d requests in flight;\npgbench clients each have one."
      % r.get("inflight", 0))
PY

if ((BENCH_RC != 0)); then
  echo "$SCRIPT_NAME: lunchbench exited $BENCH_RC (unexpected errors above)" >&2
  exit 1
fi
