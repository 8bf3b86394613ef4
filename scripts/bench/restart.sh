#!/usr/bin/env bash
# Restart benchmark: the time from a crash to the next successful request
# served by the restarted actor, lunchmesh beside its peers in one run.
# Builds lunchbench-restart, starts a fresh private PostgreSQL
# ($ROOT/.pg-bench-restart), then
#   1. lunchbench-restart (tests/bench/lunchbench_restart.cpp) runs a node's
#      supervision tree in-process and crashes, round after round,
#        a user entity  (crash user/<id>,  probe usr_get)   and
#        its shard owner (crash shard/<n>, probe usr_update: reconnect to
#                         PostgreSQL included);
#      in the same process it measures peer 1, the owner's floor: a fresh
#      libpq connection + the owner's prepared statements;
#   2. peer 2, Erlang/OTP (scripts/bench/restart_peer.erl): a one_for_one
#      supervisor restarting a crashed gen_server, same loop;
# prints p50/p99, the ratios and the goals, and stops and removes
# everything (also on failure or Ctrl-C). Exit 1 if rounds failed.
#
# Knobs (environment):
#   BENCH_ENTITY_ROUNDS  entity crashes                      (default 200)
#   BENCH_OWNER_ROUNDS   shard owner crashes                 (default 100)
#   BENCH_CONNECT_ROUNDS fresh connections (peer 1)          (default 50)
#   BENCH_PROBE_ROUNDS   probes without a crash, per kind    (default 200)
#   BENCH_PEER_ROUNDS    Erlang crashes       (default BENCH_ENTITY_ROUNDS)
#   BENCH_WARMUP         unmeasured rounds first, per kind   (default 5)
#   BENCH_ENTITY_GAP_MS  pause between entity/Erlang rounds  (default 2)
#   BENCH_OWNER_GAP_MS   pause between owner rounds          (default 30)
#   BENCH_RESET_AFTER_MS shard backoff reset_after, < owner gap (default 20)
#   BENCH_TIMEOUT_MS     a round without success by then fails (default 5000)
#   BENCH_THREADS        CAF scheduler threads = Erlang schedulers (default 2)
#   BENCH_LOG            on: both sides log crashes to a file; off: neither
#                        (default on)
#   BENCH_FSYNC          on | off, PostgreSQL fsync          (default off)
#   BENCH_SKIP_BUILD=1   use the binary in LUNCH_BIN_DIR (default build/bin)
#   BENCH_KEEP=1         keep $ROOT/.pg-bench-restart and the logs
#   LUNCH_SHARDS         shard databases                     (default 4)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

ENTITY_ROUNDS=${BENCH_ENTITY_ROUNDS:-200}
OWNER_ROUNDS=${BENCH_OWNER_ROUNDS:-100}
CONNECT_ROUNDS=${BENCH_CONNECT_ROUNDS:-50}
PROBE_ROUNDS=${BENCH_PROBE_ROUNDS:-200}
PEER_ROUNDS=${BENCH_PEER_ROUNDS:-$ENTITY_ROUNDS}
WARMUP=${BENCH_WARMUP:-5}
ENTITY_GAP_MS=${BENCH_ENTITY_GAP_MS:-2}
OWNER_GAP_MS=${BENCH_OWNER_GAP_MS:-30}
RESET_AFTER_MS=${BENCH_RESET_AFTER_MS:-20}
TIMEOUT_MS=${BENCH_TIMEOUT_MS:-5000}
THREADS=${BENCH_THREADS:-2}
LOG=${BENCH_LOG:-on}
ENTITY_GOAL_US=1000
OWNER_GOAL_US=50000

for knob in ENTITY_ROUNDS OWNER_ROUNDS CONNECT_ROUNDS PROBE_ROUNDS PEER_ROUNDS \
  WARMUP ENTITY_GAP_MS OWNER_GAP_MS RESET_AFTER_MS TIMEOUT_MS THREADS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a non-negative integer, not '${!knob}'"
done
((THREADS >= 1 && THREADS <= 64)) || die "BENCH_THREADS must be 1..64"
((TIMEOUT_MS >= 10)) || die "BENCH_TIMEOUT_MS must be >= 10"
((RESET_AFTER_MS >= 1 && OWNER_GAP_MS > RESET_AFTER_MS)) ||
  die "BENCH_OWNER_GAP_MS ($OWNER_GAP_MS) must exceed BENCH_RESET_AFTER_MS ($RESET_AFTER_MS) >= 1: every owner crash must come after a quiet period"
((ENTITY_ROUNDS + OWNER_ROUNDS >= 1)) || die "nothing to measure: BENCH_ENTITY_ROUNDS and BENCH_OWNER_ROUNDS are 0"
[[ $LOG == on || $LOG == off ]] || die "BENCH_LOG must be on or off, not '$LOG'"
[[ ${BENCH_FSYNC:-off} == on || ${BENCH_FSYNC:-off} == off ]] ||
  die "BENCH_FSYNC must be on or off, not '$BENCH_FSYNC'"

# pg.sh reads these. fsync off by default: the owner probe commits one
# write per round, and a disk flush in every round would measure the disk,
# not the restart (BENCH_FSYNC=on to include it).
export LUNCH_PG_DIR=$ROOT/.pg-bench-restart
export LUNCH_SHARDS=${LUNCH_SHARDS:-4}
export LUNCH_PG_FSYNC=${BENCH_FSYNC:-off}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$ROOT/build/bin}
PG=$ROOT/scripts/pg.sh
BENCH=$LUNCH_BIN_DIR/lunchbench-restart
PEER=$ROOT/scripts/bench/restart_peer.erl
WORK=
ERLANG_WHY=

bench_build "$ROOT/build" lunchbench-restart
[[ -x $BENCH ]] || die "missing $BENCH (build it, or unset BENCH_SKIP_BUILD)"

# shellcheck disable=SC2317 # called from the EXIT trap
on_exit() {
  local rc=$?
  if ((rc != 0)) && [[ -n $WORK && -s $WORK/lunchmesh.log ]]; then
    echo "$SCRIPT_NAME: FAILED (exit $rc); last lines of $WORK/lunchmesh.log:" >&2
    tail -n 20 "$WORK/lunchmesh.log" >&2 || true
  fi
  "$PG" stop >/dev/null 2>&1 || true
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    [[ -n $WORK ]] && echo "$SCRIPT_NAME: kept $LUNCH_PG_DIR and $WORK"
  else
    [[ -n $WORK ]] && rm -rf "$WORK"
    rm -rf "$LUNCH_PG_DIR"
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Fresh state each run (stop the leftovers of an interrupted run first).
"$PG" stop >/dev/null 2>&1 || true
rm -rf "$LUNCH_PG_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lunch-bench-restart.XXXXXX")

ERLANG=0
if install_peer_package erlang-base "the Erlang/OTP peer" "$WORK/apt-erlang.log" escript; then
  ERLANG=1
else
  ERLANG_WHY=$PEER_WHY
fi

heading "Starting PostgreSQL ($LUNCH_SHARDS shards, fsync=$LUNCH_PG_FSYNC)"
"$PG" start >/dev/null

# The node config: the DSNs of the private server. The listen address is
# not used (the gateway is not published: lunchbench-restart talks to it
# in-process); fault injection and the supervision limits are set by
# lunchbench-restart itself.
catalog=$("$PG" dsn lunch_catalog)
shards=()
for ((i = 0; i < LUNCH_SHARDS; i++)); do
  shards+=("$("$PG" dsn "lunch_shard_$i")")
done
python3 - "$catalog" "${shards[@]}" >"$WORK/node.json" <<'PY'
import json, sys
catalog, *shards = sys.argv[1:]
json.dump({
    "node": "bench-restart",
    "listen": {"host": "127.0.0.1", "port": 4710},
    "catalog": catalog,
    "shards": shards,
    "log_level": "info",
}, sys.stdout, indent=2)
print()
PY

# -- lunchmesh (and peer 1, measured in the same process) ---------------------
heading "lunchbench-restart: $ENTITY_ROUNDS entity + $OWNER_ROUNDS owner crashes, $CONNECT_ROUNDS connects ($THREADS threads, logging $LOG)"
log_args=()
if [[ $LOG == off ]]; then
  log_args=(--log-level off)
fi
BENCH_RC=0
"$BENCH" --config "$WORK/node.json" --json --threads "$THREADS" \
  --entity-rounds "$ENTITY_ROUNDS" --owner-rounds "$OWNER_ROUNDS" \
  --connect-rounds "$CONNECT_ROUNDS" --probe-rounds "$PROBE_ROUNDS" \
  --warmup "$WARMUP" --entity-gap-ms "$ENTITY_GAP_MS" \
  --owner-gap-ms "$OWNER_GAP_MS" --reset-after-ms "$RESET_AFTER_MS" \
  --timeout-ms "$TIMEOUT_MS" "${log_args[@]}" \
  >"$WORK/lunchmesh.json" 2>"$WORK/lunchmesh.log" || BENCH_RC=$?
[[ -s $WORK/lunchmesh.json ]] || die "lunchbench-restart printed nothing (exit $BENCH_RC)"
echo "done (exit $BENCH_RC)"

# The supervisor logs every restart with its backoff delay: each measured
# owner restart must have had none (warmup rounds included).
OWNER_RESTARTS=-1
OWNER_DELAYED=-1
if [[ $LOG == on ]]; then
  OWNER_RESTARTS=$(grep -c 'event=supervisor.restart .*child=shard/' "$WORK/lunchmesh.log" || true)
  OWNER_DELAYED=$(grep -c 'event=supervisor.restart .*child=shard/.* delay_ms=[1-9]' "$WORK/lunchmesh.log" || true)
fi

# -- peer 2: Erlang/OTP ---------------------------------------------------------
# Same scheduler threads as lunchmesh. With BENCH_LOG=on the peer also runs
# once without logging: the bare cost of an OTP restart.
run_peer() {
  local log=$1 out=$2
  ERL_FLAGS="+S $THREADS:$THREADS" escript "$PEER" "$PEER_ROUNDS" "$WARMUP" \
    "$ENTITY_GAP_MS" "$TIMEOUT_MS" "$log" >"$out" 2>"$out.err" || {
    echo "$SCRIPT_NAME: the Erlang peer failed:" >&2
    cat "$out.err" >&2
    return 1
  }
}
echo '{}' >"$WORK/erlang.json"
echo '{}' >"$WORK/erlang-nolog.json"
if ((ERLANG == 1 && PEER_ROUNDS > 0)); then
  heading "Erlang/OTP peer: $PEER_ROUNDS gen_server crashes under a one_for_one supervisor"
  if [[ $LOG == on ]]; then
    run_peer "$WORK/erlang.log" "$WORK/erlang.json" || ERLANG_WHY="the escript failed (see above)"
    run_peer none "$WORK/erlang-nolog.json" || ERLANG_WHY="the escript failed (see above)"
  else
    run_peer none "$WORK/erlang.json" || ERLANG_WHY="the escript failed (see above)"
  fi
  if [[ -z $ERLANG_WHY ]]; then
    echo "done"
  fi
elif ((ERLANG == 1)); then
  ERLANG_WHY="BENCH_PEER_ROUNDS=0"
fi

heading "Results (ratios matter; absolute figures on a shared machine are noise)"
python3 - "$WORK/lunchmesh.json" "$WORK/erlang.json" "$WORK/erlang-nolog.json" \
  "$ERLANG_WHY" "$LOG" "$ENTITY_GOAL_US" "$OWNER_GOAL_US" "$OWNER_RESTARTS" \
  "$OWNER_DELAYED" <<'PY'
import json, sys
(lm_path, erl_path, erl_nolog_path, erl_why, log, entity_goal, owner_goal,
 owner_restarts, owner_delayed) = sys.argv[1:]
entity_goal, owner_goal = float(entity_goal), float(owner_goal)
owner_restarts, owner_delayed = int(owner_restarts), int(owner_delayed)
lm = json.load(open(lm_path))
erl = json.load(open(erl_path))
erl_nolog = json.load(open(erl_nolog_path))

def row(name, r):
    if not r or not r.get("rounds"):
        print("%-48s %s" % (name, "not run"))
        return
    print("%-48s %6d %5d %10.3f %10.3f %10.3f" % (
        name, r["rounds"], r.get("failures", 0), r["p50_us"] / 1000,
        r["p99_us"] / 1000, r["max_us"] / 1000))

print("%-48s %6s %5s %10s %10s %10s" % ("", "rounds", "fail", "p50 ms", "p99 ms", "max ms"))
row("lunchmesh entity: crash -> usr_get ok", lm.get("entity"))
row("lunchmesh owner: crash -> usr_update ok", lm.get("owner"))
row("peer 1: libpq connect + prepare", lm.get("connect"))
row("  (+ first query on the new connection)", lm.get("connect_query"))
row("peer 2: Erlang/OTP gen_server restart" + (" (logging)" if log == "on" else ""), erl)
if log == "on":
    row("  (Erlang without logging)", erl_nolog)
row("usr_get alone, warm, no crash", lm.get("probe_get"))
row("usr_update alone, warm, no crash", lm.get("probe_update"))
print()

for name in ("entity", "owner"):
    r = lm.get(name, {})
    if r.get("rounds"):
        kinds = ", ".join("%s %d" % kv for kv in sorted(r.get("retry_errors", {}).items()))
        print("%s: %.1f failed probes per round before the success (max %d)%s"
              % (name, r.get("mean_retries", 0), r.get("max_retries", 0),
                 ": " + kinds if kinds else ""))
    for s in r.get("failure_samples", []):
        print("%s: FAILED %s" % (name, s))
for s in lm.get("connect", {}).get("failure_samples", []):
    print("connect: FAILED %s" % s)
if lm.get("abort_reason"):
    print("lunchbench-restart stopped early:", lm["abort_reason"])
if owner_restarts >= 0:
    print("owner restarts logged: %d, with a backoff delay: %d (expected 0: each crash"
          " came %d ms after the last, past reset_after %d ms)"
          % (owner_restarts, owner_delayed, lm.get("owner_gap_ms", 0),
             lm.get("reset_after_ms", 0)))
print()

def ratio(a, b):
    return "%.2fx" % (a / b) if a and b else "n/a"

e = lm.get("entity", {}).get("p50_us", 0) if lm.get("entity", {}).get("rounds") else 0
o = lm.get("owner", {}).get("p50_us", 0) if lm.get("owner", {}).get("rounds") else 0
c = lm.get("connect", {}).get("p50_us", 0)
cq = lm.get("connect_query", {}).get("p50_us", 0)
if erl.get("rounds"):
    print("entity p50 / Erlang p50 (%s): %s" % (
        "both log crashes to a file" if log == "on" else "neither logs",
        ratio(e, erl["p50_us"])))
    if log == "on" and erl_nolog.get("rounds"):
        print("entity p50 / Erlang p50 (Erlang without logging): %s" % ratio(e, erl_nolog["p50_us"]))
else:
    print("entity p50 / Erlang p50: n/a (Erlang peer not run: %s)" % (erl_why or "unknown"))
print("owner p50 / connect p50: %s   (owner p50 / connect+first-query p50: %s)"
      % (ratio(o, c), ratio(o, cq)))
print()
def goal(name, value, limit):
    if not value:
        print("goal %s p50 <= %g ms: not measured" % (name, limit / 1000))
        return
    print("goal %-6s p50 <= %2g ms: %8.3f ms  %s" % (
        name, limit / 1000, value / 1000, "met" if value <= limit else "NOT met"))
goal("entity", e, entity_goal)
goal("owner", o, owner_goal)
print()
print("Each round: t0 = crash sent; the probe is sent at once and re-sent at once"
      " after\neach failure; t1 = first success, served by the restarted actor."
      " The owner probe\n(usr_update) also reloads the user's entity, which the"
      " owner's restart took\nalong (rest_for_one), and rescans the points ledgers"
      " of every shard.")
PY

if ((ERLANG == 0)); then
  echo "$SCRIPT_NAME: note: the Erlang/OTP peer was not run: $ERLANG_WHY" >&2
fi
echo "run time: ${SECONDS}s"
if ((BENCH_RC != 0)); then
  echo "$SCRIPT_NAME: lunchbench-restart exited $BENCH_RC (failed rounds above)" >&2
  exit 1
fi
