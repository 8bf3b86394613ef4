#!/usr/bin/env bash
# Remote-call benchmark: the request/response latency of a read through a
# node that does not own the key's shard (forwarded to the owner's region
# over BASP) vs. directly through the owner, beside a raw TCP round trip on
# loopback, in one run. Builds lunchd, lunchctl and lunchbench-cluster,
# starts a fresh private PostgreSQL ($ROOT/.pg-bench-remote) and 3 nodes
# ($ROOT/.cluster-bench-remote), picks a shard, its owner and a node that
# does not own it, then `lunchbench-cluster latency`
# (tests/bench/lunchbench_cluster.cpp), in one process:
#   1. usr_get of one user of that shard, one request at a time,
#      alternating between the owner (direct) and the other node
#      (forwarded), BENCH_WARMUP unmeasured then BENCH_REQUESTS measured
#      per node; the user entity is active, so the answer comes from memory;
#   2. a raw TCP round trip: BENCH_REQUESTS messages of BENCH_ECHO_BYTES
#      through an echo server thread in the same process (TCP_NODELAY,
#      blocking sockets, one message in flight);
# prints p50/p90/p99 and the ratios, and stops everything (also on failure
# or Ctrl-C).
#
# Knobs (environment):
#   BENCH_REQUESTS   measured round trips per path      (default 5000)
#   BENCH_WARMUP     unmeasured round trips per node     (default 500)
#   BENCH_ECHO_BYTES raw TCP message size                (default 64)
#   BENCH_SHARD      the shard whose user is read        (default 0)
#   BENCH_THREADS    the client's CAF scheduler threads  (default 2)
#   BENCH_SKIP_BUILD=1  use the binaries in LUNCH_BIN_DIR
#   BENCH_BUILD_DIR  build directory (default $ROOT/build); LUNCH_BIN_DIR
#                    defaults to its bin/
#   BENCH_KEEP=1     keep the data, node logs and the client's output
#   BENCH_JSON_OUT   also write the client's JSON figures to this file
#   LUNCH_PG_DIR, LUNCH_CLUSTER_DIR  (default $ROOT/.pg-bench-remote,
#                    $ROOT/.cluster-bench-remote; wiped at start and end)
#   LUNCH_BASE_PORT  node ports BASE..BASE+2 (default: free)
#   LUNCH_SHARDS     shard databases (default 4)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

REQUESTS=${BENCH_REQUESTS:-5000}
WARMUP=${BENCH_WARMUP:-500}
ECHO_BYTES=${BENCH_ECHO_BYTES:-64}
SHARD=${BENCH_SHARD:-0}
THREADS=${BENCH_THREADS:-2}
NODES=3
FORWARD_GOAL=1.5 # issue 16

for knob in REQUESTS WARMUP ECHO_BYTES SHARD THREADS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a non-negative integer, not '${!knob}'"
done
((REQUESTS >= 1 && ECHO_BYTES >= 1 && THREADS >= 1)) ||
  die "BENCH_REQUESTS, BENCH_ECHO_BYTES and BENCH_THREADS must be >= 1"

# The child scripts (pg.sh, cluster.sh) read these.
export LUNCH_PG_DIR=${LUNCH_PG_DIR:-$ROOT/.pg-bench-remote}
export LUNCH_CLUSTER_DIR=${LUNCH_CLUSTER_DIR:-$ROOT/.cluster-bench-remote}
export LUNCH_SHARDS=${LUNCH_SHARDS:-4}
((SHARD < LUNCH_SHARDS)) || die "BENCH_SHARD must be below LUNCH_SHARDS ($LUNCH_SHARDS)"
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$BUILD_DIR/bin}
CLUSTER=$ROOT/scripts/cluster.sh
LUNCHCTL=$LUNCH_BIN_DIR/lunchctl
BENCH=$LUNCH_BIN_DIR/lunchbench-cluster
WORK=

bench_build "$BUILD_DIR" lunchd lunchctl lunchbench-cluster
[[ -x $BENCH && -x $LUNCHCTL ]] || die "missing $BENCH or $LUNCHCTL (build them, or unset BENCH_SKIP_BUILD)"

bench_traps
bench_fresh_state lunch-bench-remote

if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
  LUNCH_BASE_PORT=$(free_port "$NODES")
fi
export LUNCH_BASE_PORT
SEED=127.0.0.1:$LUNCH_BASE_PORT

heading "Starting PostgreSQL and $NODES nodes (ports $LUNCH_BASE_PORT..$((LUNCH_BASE_PORT + NODES - 1)), $LUNCH_SHARDS shards)"
"$CLUSTER" up "$NODES"

# The owner of SHARD and the next node after it, which does not own it.
doc=$("$LUNCHCTL" --node "$SEED" --timeout 5 --json cluster status) || die "cluster status failed"
read -r OWNER OWNER_ADDR OTHER OTHER_ADDR < <(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
shard = int(sys.argv[2])
lease = next(l for l in d["leases"] if l["shard"] == shard)
nodes = sorted((x for x in d["nodes"] if x["state"] == "up"), key=lambda x: x["name"])
owner = next(x for x in nodes if x["name"] == lease["owner"])
other = nodes[(nodes.index(owner) + 1) % len(nodes)]
assert shard not in other["shards"]
print(owner["name"], owner["address"], other["name"], other["address"])
' "$doc" "$SHARD") || die "cannot pick an owner and a non-owner of shard $SHARD"

heading "lunchbench-cluster latency: shard $SHARD, direct $OWNER ($OWNER_ADDR), forwarded via $OTHER ($OTHER_ADDR), $REQUESTS round trips each after $WARMUP"
BENCH_RC=0
"$BENCH" latency --node "$OWNER_ADDR" --label direct --node "$OTHER_ADDR" \
  --label forwarded --shard "$SHARD" --requests "$REQUESTS" --warmup "$WARMUP" \
  --echo-bytes "$ECHO_BYTES" --threads "$THREADS" \
  >"$WORK/latency.json" 2>"$WORK/latency.err" || BENCH_RC=$?
[[ -s $WORK/latency.json ]] || {
  cat "$WORK/latency.err" >&2
  die "lunchbench-cluster printed nothing (exit $BENCH_RC)"
}
[[ -z ${BENCH_JSON_OUT:-} ]] || cp "$WORK/latency.json" "$BENCH_JSON_OUT"
echo "done (exit $BENCH_RC)"

heading "Results (ratios matter; absolute figures on a shared machine are noise)"
python3 - "$WORK/latency.json" "$OWNER" "$OTHER" "$FORWARD_GOAL" <<'PY'
import json, sys
path, owner, other, goal = sys.argv[1:]
goal = float(goal)
r = json.load(open(path))
d = r["nodes"].get("direct", {})
f = r["nodes"].get("forwarded", {})
t = r.get("tcp", {})
print("%-44s %6s %9s %9s %9s %9s %9s" % ("", "n", "p50 us", "p90 us", "p99 us", "mean us", "max us"))
def row(name, s):
    if not s or not s.get("n"):
        print("%-44s %s" % (name, "not measured"))
        return
    print("%-44s %6d %9.1f %9.1f %9.1f %9.1f %9.1f" % (
        name, s["n"], s["p50_us"], s["p90_us"], s["p99_us"], s["mean_us"], s["max_us"]))
row("usr_get direct (client -> owner %s)" % owner, d)
row("usr_get forwarded (client -> %s -> %s)" % (other, owner), f)
row("raw TCP round trip, %s B, loopback" % t.get("bytes", "?"), t)
print()
print("user %s on shard %d; %d unexpected errors%s" % (
    r.get("user"), r.get("shard", -1), r.get("errors", 0),
    "" if r.get("finished") else " (stopped early: %s)" % r.get("why", "?")))
for s in r.get("error_samples", []):
    print("  error:", s)
if "tcp_error" in r:
    print("raw TCP failed:", r["tcp_error"])
print()
def ratio(a, b):
    return a / b if a and b else 0.0
if d.get("n") and f.get("n"):
    fr = ratio(f["p50_us"], d["p50_us"])
    print("forwarded / direct, p50: %.2fx   (goal <= %.1fx: %s)" % (
        fr, goal, "met" if 0 < fr <= goal else "NOT met"))
    print("forwarded / direct, p99: %.2fx" % ratio(f["p99_us"], d["p99_us"]))
    print("the extra hop, p50 forwarded - direct: %.1f us" % (f["p50_us"] - d["p50_us"]))
if d.get("n") and t.get("n"):
    print("direct / raw TCP, p50:    %.1fx" % ratio(d["p50_us"], t["p50_us"]))
    print("forwarded / raw TCP, p50: %.1fx" % ratio(f.get("p50_us", 0), t["p50_us"]))
print()
print("One request at a time; the client alternates direct and forwarded"
      " requests, so\nboth see the same machine load. Direct: client -> gateway"
      " -> region -> user entity\n(one BASP round trip). Forwarded: the"
      " gateway of a node that does not own the\nshard hands it to the"
      " owner's region over BASP, which answers the client through\nthat"
      " node's BASP layer (CAF forwards it unread). Raw TCP: %s-byte\n"
      "messages, echo thread in the client.\n"
      "Published for this machine (limits.md): TCP loopback p50 ~17 us; CAF"
      " 0.17 remote\nrequest/response p50 ~217 us." % t.get("bytes", "?"))
PY

echo "run time: ${SECONDS}s"
if ((BENCH_RC != 0)); then
  echo "$SCRIPT_NAME: lunchbench-cluster exited $BENCH_RC" >&2
  cat "$WORK/latency.err" >&2 || true
  exit 1
fi
