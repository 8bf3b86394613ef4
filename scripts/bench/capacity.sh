#!/usr/bin/env bash
# Capacity figures (docs/capacity.md): what one node costs and what grows
# with the node count. For each N in NODES (default: 3 10) it starts N nodes
# on a fresh private PostgreSQL — as root each in its own network namespace
# (scripts/cluster.sh with LUNCH_NETNS=1, PostgreSQL over TCP on the
# bridge), otherwise all on 127.0.0.1 — waits until the shards are spread,
# and measures:
#   idle, over BENCH_IDLE_S seconds: CPU per node (% of one core), resident
#     memory per node, catalog and shard-database transactions per node per
#     second (pg_stat_database), established TCP connections per node to
#     its peers (BASP) and to PostgreSQL (as root: counted with ss inside
#     each node's namespace);
#   under load, lunchbench through node0 (BENCH_USERS users created, then
#     BENCH_PARTIES parties with 3 joins each, then every user read once so
#     its entity is active, then BENCH_READS reads): writes/s and reads/s
#     through one node, node CPU ms per op (all nodes), and the memory per
#     active entity: the growth of the nodes' resident memory over the run
#     divided by the entities it activated (users + parties; they passivate
#     after 60 s idle, later than the run ends).
# Prints one table; the nodes and PostgreSQL stop at the end (also on
# failure or Ctrl-C).
#
#   scripts/bench/capacity.sh [NODES...]
#
# Knobs (environment): BENCH_IDLE_S (10), BENCH_USERS (20000),
# BENCH_PARTIES (2000), BENCH_READS (100000), BENCH_SKIP_BUILD=1,
# BENCH_KEEP=1, LUNCH_SHARDS (4), LUNCH_PG_DIR, LUNCH_CLUSTER_DIR (default
# $ROOT/.pg-bench-capacity, $ROOT/.cluster-bench-capacity).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

SIZES=("$@")
((${#SIZES[@]} > 0)) || SIZES=(3 10)
IDLE_S=${BENCH_IDLE_S:-10}
USERS=${BENCH_USERS:-20000}
PARTIES=${BENCH_PARTIES:-2000}
READS=${BENCH_READS:-100000}
for knob in IDLE_S USERS PARTIES READS; do
  [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || die "$knob must be a positive integer, not '${!knob}'"
done
for n in "${SIZES[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "a node count must be a positive integer, not '$n'"
done

export LUNCH_PG_DIR=${LUNCH_PG_DIR:-$ROOT/.pg-bench-capacity}
export LUNCH_CLUSTER_DIR=${LUNCH_CLUSTER_DIR:-$ROOT/.cluster-bench-capacity}
export LUNCH_SHARDS=${LUNCH_SHARDS:-4}
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$BUILD_DIR/bin}
CLUSTER=$ROOT/scripts/cluster.sh
PG=$ROOT/scripts/pg.sh
LUNCHBENCH=$LUNCH_BIN_DIR/lunchbench
WORK=

bench_build "$BUILD_DIR" lunchd lunchctl lunchbench
bench_traps
bench_fresh_state lunch-bench-capacity

NETNS=0
if ((EUID == 0)); then
  NETNS=1
  LUNCH_NETNS_NET=$(free_netns_net)
  export LUNCH_NETNS=1 LUNCH_NETNS_NET
else
  echo "$SCRIPT_NAME: not root: the nodes run on 127.0.0.1 and connections are not counted" >&2
fi
TICKS=$(getconf CLK_TCK)

pids() {
  local i
  for ((i = 0; i < $1; i++)); do cat "$LUNCH_CLUSTER_DIR/node$i.pid"; done
}

# utime + stime of PID in clock ticks.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) }
  read -r -a f <<<"$stat"
  echo $((f[11] + f[12]))
}

rss_kib() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# Transactions so far: "CATALOG SHARDS" (pg_stat_database).
db_xacts() {
  "$PG" psql -X -A -t -q -d postgres -c "
    SELECT coalesce(sum(xact_commit + xact_rollback) FILTER (WHERE datname = 'lunch_catalog'), 0)
      || ' ' || coalesce(sum(xact_commit + xact_rollback) FILTER (WHERE datname LIKE 'lunch_shard_%'), 0)
    FROM pg_stat_database"
}

# Established TCP connections of node I (seen inside its namespace): "PEERS
# DB", by the far end: another node's address, or PostgreSQL's port.
node_connections() {
  local i=$1 n=$2 pgport
  pgport=$("$PG" dsn | sed -n 's/.*port=\([0-9]*\).*/\1/p')
  ip netns exec "lunch-${LUNCH_NETNS_NET//./-}-node$i" ss -Htn state established |
    awk -v net="$LUNCH_NETNS_NET." -v n="$n" -v me="$LUNCH_NETNS_NET.$((i + 1))" -v pg="$pgport" '
      { k = split($4, r, ":"); port = r[k]; host = substr($4, 1, length($4) - length(port) - 1)
        octet = substr(host, length(net) + 1) + 0
        if (port == pg) db++
        else if (index(host, net) == 1 && host != me && octet >= 1 && octet <= n) peers++ }
      END { printf "%d %d\n", peers, db }'
}

ROWS=$WORK/rows.jsonl
: >"$ROWS"
for n in "${SIZES[@]}"; do
  heading "$n nodes$( ((NETNS)) && echo " in network namespaces ($LUNCH_NETNS_NET.0/24)")"
  "$CLUSTER" down >/dev/null 2>&1 || true
  "$PG" stop >/dev/null 2>&1 || true
  rm -rf "$LUNCH_PG_DIR" "$LUNCH_CLUSTER_DIR"
  LUNCH_BASE_PORT=$(free_port "$n")
  export LUNCH_BASE_PORT
  "$CLUSTER" up "$n" >"$WORK/up-$n.log" 2>&1 || {
    tail -n 20 "$WORK/up-$n.log" >&2
    die "cluster.sh up $n failed"
  }
  mapfile -t NODE_PIDS < <(pids "$n")
  PG_PID=$(head -n 1 "$LUNCH_PG_DIR/data/postmaster.pid")
  # Let the start-up (joins, handoffs) pass before the idle window.
  sleep 3
  declare -a c0=() c1=()
  for pid in "${NODE_PIDS[@]}"; do c0+=("$(cpu_ticks "$pid")"); done
  read -r cat0 shard0 < <(db_xacts)
  t0=$EPOCHREALTIME
  sleep "$IDLE_S"
  for pid in "${NODE_PIDS[@]}"; do c1+=("$(cpu_ticks "$pid")"); done
  read -r cat1 shard1 < <(db_xacts)
  t1=$EPOCHREALTIME
  rss_idle=0
  for pid in "${NODE_PIDS[@]}"; do rss_idle=$((rss_idle + $(rss_kib "$pid"))); done
  conns=()
  if ((NETNS)); then
    for ((i = 0; i < n; i++)); do conns+=("$(node_connections "$i" "$n")"); done
  fi
  idle_cpu=0
  for ((i = 0; i < n; i++)); do idle_cpu=$((idle_cpu + c1[i] - c0[i])); done

  node_args=()
  for pid in "${NODE_PIDS[@]}"; do node_args+=(--node-pid "$pid"); done
  "$LUNCHBENCH" --node "$(cat "$LUNCH_CLUSTER_DIR/node0.addr")" --users "$USERS" \
    --parties "$PARTIES" --joins-per-party 3 --reads "$READS" --inflight 64 \
    "${node_args[@]}" --db-pid "$PG_PID" --json >"$WORK/bench-$n.json" ||
    die "lunchbench failed on $n nodes (see $WORK/bench-$n.json)"
  rss_load=0
  for pid in "${NODE_PIDS[@]}"; do rss_load=$((rss_load + $(rss_kib "$pid"))); done

  python3 - "$n" "$t0" "$t1" "$idle_cpu" "$TICKS" "$cat0" "$cat1" "$shard0" "$shard1" \
    "$rss_idle" "$rss_load" "$WORK/bench-$n.json" "${conns[@]}" >>"$ROWS" <<'PY'
import json, sys
n, t0, t1, idle_ticks, ticks, cat0, cat1, sh0, sh1, rss_idle, rss_load, bench, *conns = sys.argv[1:]
n, secs = int(n), float(t1) - float(t0)
b = json.load(open(bench))
peers = [int(c.split()[0]) for c in conns]
db = [int(c.split()[1]) for c in conns]
row = {
    "nodes": n,
    "idle_cpu_pct_per_node": 100.0 * int(idle_ticks) / int(ticks) / secs / n,
    "rss_mib_per_node": int(rss_idle) / 1024 / n,
    # Our readings run in the postgres database, not in these.
    "catalog_xact_per_node_s": (int(cat1) - int(cat0)) / secs / n,
    "shard_xact_per_node_s": (int(sh1) - int(sh0)) / secs / n,
    "peer_conns_per_node": (sum(peers) / n) if peers else None,
    "db_conns_per_node": (sum(db) / n) if db else None,
    "writes_per_s": b["writes"]["ops_per_s"],
    "write_node_cpu_ms": b["writes"].get("node_cpu_ms_per_op"),
    "reads_per_s": b["reads"]["ops_per_s"],
    "read_node_cpu_ms": b["reads"].get("node_cpu_ms_per_op"),
    "kib_per_entity": (int(rss_load) - int(rss_idle)) / (b["users"] + b["parties"]),
    "errors": b["errors"],
}
print(json.dumps(row))
PY
  tail -n 1 "$ROWS"
done

heading "Results (one run; absolute figures on a shared machine are noise)"
python3 - "$ROWS" "$USERS" "$PARTIES" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def fmt(v, f="%.1f"):
    return "-" if v is None else f % v
cols = [("nodes", "%d"), ("idle_cpu_pct_per_node", "%.1f"), ("rss_mib_per_node", "%.1f"),
        ("catalog_xact_per_node_s", "%.1f"), ("shard_xact_per_node_s", "%.1f"),
        ("peer_conns_per_node", "%.1f"), ("db_conns_per_node", "%.1f"),
        ("writes_per_s", "%.0f"), ("write_node_cpu_ms", "%.2f"), ("reads_per_s", "%.0f"),
        ("read_node_cpu_ms", "%.3f"), ("kib_per_entity", "%.2f"), ("errors", "%d")]
heads = ["nodes", "idle CPU %/node", "RSS MiB/node", "catalog xact/s/node",
         "shard xact/s/node", "peer conns/node", "db conns/node", "writes/s",
         "node CPU ms/write", "reads/s", "node CPU ms/read", "KiB/entity", "errors"]
for (key, f), head in zip(cols, heads):
    print("%-22s" % head + "".join("%12s" % fmt(r[key], f) for r in rows))
print()
print("writes/s and reads/s: lunchbench through node0 (64 in flight), %s users, %s"
      " parties x 3 joins;\nnode CPU: all nodes together, per op; KiB/entity: the"
      " nodes' RSS growth over the run / (users + parties)." % (sys.argv[2], sys.argv[3]))
PY
echo "run time: ${SECONDS}s"
