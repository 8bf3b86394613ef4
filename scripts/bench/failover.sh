#!/usr/bin/env bash
# Failover benchmark: the time from the death of a shard's owner node to the
# first successful write to that shard through another node, lunchmesh
# beside Redis Cluster in one run. Builds lunchd, lunchctl and
# lunchbench-cluster, starts a fresh private PostgreSQL
# ($ROOT/.pg-bench-failover) and 3 nodes ($ROOT/.cluster-bench-failover),
# then, ROUNDS times for each kind,
#   crash: kill -9 of the owner of a shard,
#   hang:  SIGSTOP of the owner of a shard,
# while `lunchbench-cluster probe` (tests/bench/lunchbench_cluster.cpp)
# writes to that shard (usr_update, 200 ms per-request timeout, retried at
# once) through a node that is not the owner; it reports the time from the
# signal to the first success of a write sent after it. After each round
# the node is restarted (crash) or continued (hang) and the script waits
# until all 3 nodes are up and the shards spread again.
# Then, as root, the nodes restart in network namespaces (scripts/cluster.sh
# with LUNCH_NETNS=1, PostgreSQL over TCP on the bridge) for the partition
# rounds: `cluster.sh cut` of the owner of a shard (from its peers only; it
# still reaches the database and its clients). A prober writes to the
# shard through the next node (the majority side): the time from the cut
# to its first success. A second one writes to the same shard through the
# cut node (the minority side), 10 ms apart, until BENCH_HOLD_MS after the
# cut: of its writes, none sent after the node logged cluster.minority
# (stepping aside) may be acknowledged. Then `heal`: the time until the
# cut node is up and reachable again, asked of the majority. A round fails
# without a stepping aside, with an acknowledgement after it, without a
# rejoin within 30 s, or with the cut node evicted more than once. Not
# root: the partition rounds are skipped, saying so.
# The peer: Redis Cluster (3 masters + 3 replicas on loopback,
# cluster-node-timeout 5000 as in the old app's deployment), kill -9 of a
# master, probed by scripts/bench/failover_peer.py with SETs to a key of
# its slots. redis-server is installed from Debian if missing (as root);
# otherwise the script says why and still prints the lunchmesh figures.
# Prints p50/max per kind, the ratios, the goals and the published Akka
# and Orleans figures, and stops everything (also on failure or Ctrl-C).
# Exit 1 if a round failed; a failed round's node logs, prober output and
# cluster view are kept in /tmp/lunch-bench-failover-failed.* (named).
#
#   scripts/bench/failover.sh [ROUNDS]   rounds per kind (default 10)
#
# Knobs (environment):
#   BENCH_REDIS_ROUNDS   Redis kills, 0 = skip Redis (default min(ROUNDS, 5))
#   BENCH_REDIS_TIMEOUT_MS  Redis cluster-node-timeout (default 5000)
#   BENCH_TIMEOUT_MS     per-request timeout of both probers (default 200)
#   BENCH_DEADLINE_MS    a round without success by then fails (default 20000)
#   BENCH_PARTITION_ROUNDS  cuts, 0 = skip (default ROUNDS)
#   BENCH_HOLD_MS        how long the minority prober writes after a cut
#                        (default 8000)
#   BENCH_THREADS        the prober's CAF scheduler threads (default 2)
#   BENCH_SKIP_BUILD=1   use the binaries in LUNCH_BIN_DIR
#   BENCH_BUILD_DIR      build directory (default $ROOT/build); LUNCH_BIN_DIR
#                        defaults to its bin/
#   BENCH_KEEP=1         keep the data, node logs and prober output
#   LUNCH_PG_DIR, LUNCH_CLUSTER_DIR  (default $ROOT/.pg-bench-failover,
#                        $ROOT/.cluster-bench-failover; wiped at start and end)
#   LUNCH_BASE_PORT      node ports BASE..BASE+2 (default: free)
#   BENCH_REDIS_PORT     Redis ports P..P+5 (default: free)
#   LUNCH_SHARDS         shard databases (default 4)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

ROUNDS=${1:-10}
# A Redis round takes cluster-node-timeout + election + resync (~10 s):
# 5 by default keeps the run near 3 minutes.
REDIS_ROUNDS=${BENCH_REDIS_ROUNDS:-$((ROUNDS < 5 ? ROUNDS : 5))}
REDIS_NODE_TIMEOUT=${BENCH_REDIS_TIMEOUT_MS:-5000}
TIMEOUT_MS=${BENCH_TIMEOUT_MS:-200}
DEADLINE_MS=${BENCH_DEADLINE_MS:-20000}
THREADS=${BENCH_THREADS:-2}
PARTITION_ROUNDS=${BENCH_PARTITION_ROUNDS:-$ROUNDS}
HOLD_MS=${BENCH_HOLD_MS:-8000}
NODES=3
# Issue 16's goals: crash p50 <= 50 ms and max <= 250 ms; hang p50 <= 1.5 s.
CRASH_GOAL_MS=50
CRASH_MAX_GOAL_MS=250
HANG_GOAL_MS=1500
MAJORITY_GOAL_MS=2000
REJOIN_GOAL_MS=3000
SETTLE_TIMEOUT=60

for knob in ROUNDS REDIS_ROUNDS REDIS_NODE_TIMEOUT TIMEOUT_MS DEADLINE_MS THREADS \
  PARTITION_ROUNDS HOLD_MS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a non-negative integer, not '${!knob}'"
done
((ROUNDS >= 1)) || die "ROUNDS must be >= 1"
((TIMEOUT_MS >= 1 && DEADLINE_MS >= 1000 && THREADS >= 1 && HOLD_MS >= 1000)) ||
  die "BENCH_TIMEOUT_MS >= 1, BENCH_DEADLINE_MS >= 1000, BENCH_THREADS >= 1 and BENCH_HOLD_MS >= 1000 required"

# The child scripts (pg.sh, cluster.sh) read these.
export LUNCH_PG_DIR=${LUNCH_PG_DIR:-$ROOT/.pg-bench-failover}
export LUNCH_CLUSTER_DIR=${LUNCH_CLUSTER_DIR:-$ROOT/.cluster-bench-failover}
export LUNCH_SHARDS=${LUNCH_SHARDS:-4}
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$BUILD_DIR/bin}
CLUSTER=$ROOT/scripts/cluster.sh
LUNCHCTL=$LUNCH_BIN_DIR/lunchctl
BENCH=$LUNCH_BIN_DIR/lunchbench-cluster
PEER=$ROOT/scripts/bench/failover_peer.py
WORK=
REDIS_WHY=
REDIS_PIDS=()

bench_build "$BUILD_DIR" lunchd lunchctl lunchbench-cluster
[[ -x $BENCH && -x $LUNCHCTL ]] || die "missing $BENCH or $LUNCHCTL (build them, or unset BENCH_SKIP_BUILD)"

stop_redis() {
  local pid
  for pid in "${REDIS_PIDS[@]}"; do
    if [[ -n $pid ]] && proc_alive "$pid" redis-server; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# stop_redis too on exit, before the nodes and PostgreSQL.
bench_traps stop_redis
bench_fresh_state lunch-bench-failover
mkfifo "$WORK/kill.fifo" "$WORK/minority.fifo"

REDIS=0
if ((REDIS_ROUNDS == 0)); then
  REDIS_WHY="BENCH_REDIS_ROUNDS=0"
elif install_peer_package redis-server "the Redis Cluster peer" "$WORK/apt-redis.log" \
  redis-server redis-cli; then
  REDIS=1
else
  REDIS_WHY=$PEER_WHY
fi

if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
  LUNCH_BASE_PORT=$(free_port "$NODES")
fi
export LUNCH_BASE_PORT

# NODE_ADDRS (node i's HOST:PORT, as cluster.sh recorded it) and
# CHECK_NODES (lunchbench-cluster check's --node flags).
load_addrs() {
  local i
  NODE_ADDRS=()
  CHECK_NODES=()
  for ((i = 0; i < NODES; i++)); do
    NODE_ADDRS+=("$(cat "$LUNCH_CLUSTER_DIR/node$i.addr")")
    CHECK_NODES+=(--node "${NODE_ADDRS[i]}")
  done
}

heading "Starting PostgreSQL and $NODES nodes (ports $LUNCH_BASE_PORT..$((LUNCH_BASE_PORT + NODES - 1)), $LUNCH_SHARDS shards)"
"$CLUSTER" up "$NODES"
load_addrs

# Prints the cluster status JSON, asked of the first node that answers
# (of HOST:PORT $1 only, if given).
cluster_json() {
  local addr doc addrs=("${NODE_ADDRS[@]}")
  [[ -n ${1:-} ]] && addrs=("$1")
  for addr in "${addrs[@]}"; do
    if doc=$("$LUNCHCTL" --node "$addr" --timeout 2 \
      --json cluster status 2>/dev/null); then
      echo "$doc"
      return 0
    fi
  done
  return 1
}

# Back to NODES nodes, settled (restarts nodes that are not running, waits
# for the catalog), then checks that every node's gateway reaches every
# shard (`lunchbench-cluster check`). A node that does not although the
# catalog lists a live owner is a defect: the run stops there (restarting
# it to go on would hide it), keeping the nodes' logs.
settle() {
  local after=$1 out kept
  # Restarts what is not running and waits until all NODES are up and the
  # shards spread again (a continued node registers again first).
  "$CLUSTER" up "$NODES" >/dev/null
  if out=$("$BENCH" check "${CHECK_NODES[@]}" --shards "$LUNCH_SHARDS" \
    --deadline-ms 5000 --threads "$THREADS" 2>&1); then
    return 0
  fi
  kept=$(mktemp -d /tmp/lunch-bench-failover-stuck.XXXXXX)
  cp "$LUNCH_CLUSTER_DIR"/*.log "$kept"/ 2>/dev/null || true
  cluster_json >"$kept/cluster-status.json" 2>&1 || true
  echo "$out" >"$kept/check.txt"
  die "after $after a node's gateway does not reach a shard although the catalog lists a live owner: $out (logs kept in $kept)"
}

# A failed round keeps what explains it, whatever BENCH_KEEP says: the
# node logs so far (a restarted node appends to its log), the prober's
# output ($1: its file prefix) and the cluster's view now.
keep_failed_round() {
  local kept
  kept=$(mktemp -d /tmp/lunch-bench-failover-failed.XXXXXX)
  cp "$LUNCH_CLUSTER_DIR"/*.log "$kept"/ 2>/dev/null || true
  cp "$1" "$1".* "$kept"/ 2>/dev/null || true
  cluster_json >"$kept/cluster-status.json" 2>&1 || true
  echo "  (logs of the failed round kept in $kept)"
}

# For shard $1: "OWNER_NAME PROBER_ADDR PROBER_NAME", the prober
# being the next node after the owner (so it rotates too).
pick_round() {
  local doc
  doc=$(cluster_json) || die "no node answers cluster status"
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
shard = int(sys.argv[2])
lease = next(l for l in d["leases"] if l["shard"] == shard)
nodes = sorted((x for x in d["nodes"] if x["state"] == "up"), key=lambda x: x["name"])
owner = next(x for x in nodes if x["name"] == lease["owner"])
i = nodes.index(owner)
prober = nodes[(i + 1) % len(nodes)]
print(owner["name"], prober["address"], prober["name"])
' "$doc" "$1"
}

# Who owns shard $1 now (after a failover).
owner_of() {
  local doc
  doc=$(cluster_json) || {
    echo "?"
    return 0
  }
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print(next(l["owner"] or "-" for l in d["leases"] if l["shard"] == int(sys.argv[2])))
' "$doc" "$1"
}

# True while our child $1 runs (an exited child stays a zombie until waited
# for, and kill -0 would still succeed).
child_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Runs one prober round: $1 = kind (crash|hang), $2 = victim pid, $3 =
# result file, $4... = the prober command. The prober prints "ready" once
# it writes; then the signal is sent and the time right after kill(2)
# returned goes to the prober's stdin (bash's $EPOCHREALTIME:
# CLOCK_REALTIME, no fork, and kill is a builtin, so the two are
# microseconds apart). Taken after, not before: a request sent in the
# microseconds between a "before" stamp and the signal's delivery could
# still be served by the victim.
probe_round() {
  local kind=$1 victim=$2 out=$3 sig
  shift 3
  case $kind in
    crash) sig=KILL ;;
    hang) sig=STOP ;;
    *) die "unknown kind $kind" ;;
  esac
  prober_start "$out" "$WORK/kill.fifo" "$@"
  prober_ready "$out" || return 1
  kill "-$sig" "$victim"
  prober_send_time "$EPOCHREALTIME" "$out"
  prober_result "$out"
}

# prober_start OUT FIFO CMD...: runs the prober CMD with stdin from FIFO
# and stdout to OUT; PROBER_PID[OUT] and PROBER_FD[OUT] (the FIFO's
# writing end) are kept for the functions below.
declare -A PROBER_PID=() PROBER_FD=()
prober_start() {
  local out=$1 fifo=$2 fd
  shift 2
  : >"$out"
  "$@" <"$fifo" >"$out" 2>>"$WORK/probe.err" &
  PROBER_PID[$out]=$!
  exec {fd}>"$fifo"
  PROBER_FD[$out]=$fd
}

# prober_ready OUT: waits until the prober printed "ready" (60 s at most);
# if it exits or does not get there, stops it and fails.
prober_ready() {
  local out=$1 pid=${PROBER_PID[$1]} deadline=$((SECONDS + 60))
  until grep -q '^ready' "$out"; do
    if ! child_running "$pid" || ((SECONDS >= deadline)); then
      prober_stop "$out"
      echo "$SCRIPT_NAME: the prober never became ready; its stderr:" >&2
      tail -n 5 "$WORK/probe.err" >&2 || true
      return 1
    fi
    sleep 0.02
  done
}

prober_stop() {
  local fd=${PROBER_FD[$1]}
  exec {fd}>&-
  kill "${PROBER_PID[$1]}" 2>/dev/null || true
  wait "${PROBER_PID[$1]}" 2>/dev/null || true
}

# prober_send_time T OUT...: the time T ($EPOCHREALTIME) in ns to each
# prober.
prober_send_time() {
  local t=$1 out fd
  shift
  for out in "$@"; do
    fd=${PROBER_FD[$out]}
    printf '%s000\n' "${t//[!0-9]/}" >&"$fd"
  done
}

# prober_result OUT: waits for the prober's end; its last line (JSON)
# goes to OUT.json.
prober_result() {
  local out=$1 fd=${PROBER_FD[$1]}
  wait "${PROBER_PID[$out]}" || true
  exec {fd}>&-
  tail -n 1 "$out" >"$out.json"
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out.json" 2>/dev/null || {
    echo "$SCRIPT_NAME: the prober printed no result:" >&2
    cat "$out" "$WORK/probe.err" >&2 || true
    return 1
  }
}

# -- lunchmesh ----------------------------------------------------------------
settle "the start"
RESULTS=$WORK/lunchmesh.jsonl
: >"$RESULTS"
FAILED=0
round=0
for kind in crash hang; do
  signal="kill -9"
  [[ $kind == hang ]] && signal="SIGSTOP"
  heading "lunchmesh: $ROUNDS rounds of $kind ($signal of a shard owner)"
  printf '%-6s %5s %6s %7s %7s %10s %9s %s\n' kind round shard killed prober new-owner "ms" "failed attempts"
  for ((r = 1; r <= ROUNDS; r++)); do
    shard=$((round % LUNCH_SHARDS))
    round=$((round + 1))
    read -r owner prober_addr prober_name < <(pick_round "$shard")
    victim=$(cat "$LUNCH_CLUSTER_DIR/$owner.pid")
    proc_alive "$victim" lunchd || die "$owner (pid $victim) is not running"
    out=$WORK/probe-$kind-$r
    probe_round "$kind" "$victim" "$out" "$BENCH" probe --node "$prober_addr" \
      --shard "$shard" --timeout-ms "$TIMEOUT_MS" --deadline-ms "$DEADLINE_MS" \
      --threads "$THREADS" || die "round $r ($kind) could not run"
    new_owner=$(owner_of "$shard")
    python3 - "$out.json" "$kind" "$r" "$shard" "$owner" "$prober_name" "$new_owner" \
      >>"$RESULTS" <<'PY'
import json, sys
path, kind, r, shard, owner, prober, new_owner = sys.argv[1:]
d = json.load(open(path))
d.update(kind=kind, round=int(r), shard=int(shard), killed=owner,
         prober=prober, new_owner=new_owner)
print(json.dumps(d))
PY
    python3 -c '
import json, sys
d = json.loads(sys.stdin.readlines()[-1])
fails = ", ".join("%s %d" % kv for kv in sorted(d.get("failures", {}).items()))
print("%-6s %5d %6d %7s %7s %10s %9s %s" % (d["kind"], d["round"], d["shard"],
      d["killed"], d["prober"], d["new_owner"],
      "%.1f" % d["latency_ms"] if d["ok"] else "FAILED",
      (fails or "-") + ("" if d["ok"] else "  (" + d.get("why", "") + ")")))
sys.exit(0 if d["ok"] else 1)
' <"$RESULTS" || {
      FAILED=$((FAILED + 1))
      keep_failed_round "$out"
    }
    # Back to 3 nodes: restart the killed one / continue the paused one.
    if [[ $kind == crash ]]; then
      rm -f "$LUNCH_CLUSTER_DIR/$owner.pid"
    else
      kill -CONT "$victim"
    fi
    settle "$kind round $r"
  done
done

# -- lunchmesh: partitions (nodes in network namespaces) ----------------------------
PART_RESULTS=$WORK/partition.jsonl
: >"$PART_RESULTS"
PART_WHY=
if ((PARTITION_ROUNDS == 0)); then
  PART_WHY="BENCH_PARTITION_ROUNDS=0"
elif ((EUID != 0)); then
  PART_WHY="network namespaces need root"
fi

# True when the majority node $1 sees node $2 up and reachable again and
# every shard owned.
rejoined() {
  local doc
  doc=$(cluster_json "$1") || return 1
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
back = any(n["name"] == sys.argv[2] and n["state"] == "up" and n["reachable"] for n in d["nodes"])
sys.exit(0 if back and all(l["owner"] for l in d["leases"]) else 1)
' "$doc" "$2"
}

if [[ -z $PART_WHY ]]; then
  heading "Restarting the $NODES nodes in network namespaces (PostgreSQL over TCP on the bridge)"
  "$CLUSTER" down >/dev/null
  LUNCH_NETNS_NET=$(free_netns_net)
  export LUNCH_NETNS=1 LUNCH_NETNS_NET
  "$CLUSTER" up "$NODES" >/dev/null
  load_addrs
  echo "nodes at ${NODE_ADDRS[*]}"
  settle "the move to namespaces"
  heading "lunchmesh: $PARTITION_ROUNDS rounds of partition (cluster.sh cut of a shard owner: from its peers only)"
  printf '%-9s %5s %6s %7s %7s %10s %9s %9s %9s %s\n' kind round shard cut prober new-owner "ms" \
    "aside ms" "rejoin ms" "minority acks after aside"
  for ((r = 1; r <= PARTITION_ROUNDS; r++)); do
    shard=$((round % LUNCH_SHARDS))
    round=$((round + 1))
    read -r owner prober_addr prober_name < <(pick_round "$shard")
    owner_addr=$(cat "$LUNCH_CLUSTER_DIR/$owner.addr")
    owner_log=$LUNCH_CLUSTER_DIR/$owner.log
    log_off=$(stat -c %s "$owner_log")
    out=$WORK/probe-partition-$r
    prober_start "$out" "$WORK/kill.fifo" "$BENCH" probe --node "$prober_addr" \
      --shard "$shard" --timeout-ms "$TIMEOUT_MS" --deadline-ms "$DEADLINE_MS" \
      --threads "$THREADS"
    prober_start "$out-minority" "$WORK/minority.fifo" "$BENCH" probe --node "$owner_addr" \
      --shard "$shard" --user-prefix bench-minority- --timeout-ms "$TIMEOUT_MS" \
      --hold-ms "$HOLD_MS" --pause-ms 10 --threads 1
    if ! prober_ready "$out" || ! prober_ready "$out-minority"; then
      prober_stop "$out"
      prober_stop "$out-minority"
      die "partition round $r could not run"
    fi
    "$CLUSTER" cut "$owner" >/dev/null
    cut_t=$EPOCHREALTIME
    prober_send_time "$cut_t" "$out" "$out-minority"
    prober_result "$out" || die "partition round $r: no result from the majority prober"
    new_owner=$(owner_of "$shard")
    prober_result "$out-minority" || die "partition round $r: no result from the minority prober"
    # From the moment the last route is back (the command returned).
    "$CLUSTER" heal >/dev/null
    heal_t=$EPOCHREALTIME
    # Polled: a figure to ~0.1 s (a status round trip), taken when the
    # answer that shows the node back arrived.
    rejoin_ms=-1
    deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
      if rejoined "$prober_addr" "$owner"; then
        back_t=$EPOCHREALTIME
        rejoin_ms=$(((${back_t//[!0-9]/} - ${heal_t//[!0-9]/}) / 1000))
        break
      fi
      sleep 0.05
    done
    ((rejoin_ms >= 0)) || echo "$SCRIPT_NAME: $owner not up and reachable within 30 s of the heal" >&2
    aside_us=$(log_event_us "$owner_log" "$log_off" cluster.minority)
    evictions=$(tail -c "+$((log_off + 1))" "$owner_log" | grep -c "event=cluster.evicted" || true)
    python3 - "$out.json" "$out-minority.json" "$r" "$shard" "$owner" "$prober_name" \
      "$new_owner" "${cut_t//[!0-9]/}" "${heal_t//[!0-9]/}" "${aside_us:--1}" "$rejoin_ms" "$evictions" \
      >>"$PART_RESULTS" <<'PY'
import json, sys
path, minority_path, r, shard, owner, prober, new_owner, cut_us, heal_us, aside_us, rejoin, evictions = sys.argv[1:]
d = json.load(open(path))
m = json.load(open(minority_path))
cut_us, aside_us = int(cut_us), int(aside_us)
d.update(kind="partition", round=int(r), shard=int(shard), killed=owner,
         prober=prober, new_owner=new_owner, heal_ns=int(heal_us) * 1000, rejoin_ms=int(rejoin),
         evictions=int(evictions))
if aside_us < 0:
    d["aside_ms"] = None
    d["minority_acks_after_aside"] = None
else:
    d["aside_ms"] = (aside_us - cut_us) / 1000
    # The minority prober's times count from the same cut.
    d["minority_acks_after_aside"] = sum(1 for t in m["acked_sent_ms"] if t >= d["aside_ms"])
d["minority_acks_after_cut"] = len(m["acked_sent_ms"])
print(json.dumps(d))
PY
    python3 -c '
import json, sys
d = json.loads(sys.stdin.readlines()[-1])
ok = (d["ok"] and d["aside_ms"] is not None and d["minority_acks_after_aside"] == 0
      and d["rejoin_ms"] >= 0 and d["evictions"] <= 1)
print("%-9s %5d %6d %7s %7s %10s %9s %9s %9s %s" % (d["kind"], d["round"], d["shard"],
      d["killed"], d["prober"], d["new_owner"],
      "%.1f" % d["latency_ms"] if d["ok"] else "FAILED",
      "%.0f" % d["aside_ms"] if d["aside_ms"] is not None else "NEVER",
      d["rejoin_ms"] if d["rejoin_ms"] >= 0 else "NEVER",
      "%s (of %d after the cut); evicted %d time(s)" % (d["minority_acks_after_aside"],
      d["minority_acks_after_cut"], d["evictions"])))
sys.exit(0 if ok else 1)
' <"$PART_RESULTS" || {
      FAILED=$((FAILED + 1))
      keep_failed_round "$out"
    }
    settle "partition round $r"
  done
fi
# The peer runs on a machine without our nodes.
"$CLUSTER" down >/dev/null

# -- the peer: Redis Cluster -------------------------------------------------------
REDIS_RESULTS=$WORK/redis.jsonl
: >"$REDIS_RESULTS"
if ((REDIS == 1)); then
  if [[ -z ${BENCH_REDIS_PORT:-} ]]; then
    BENCH_REDIS_PORT=$(free_port 6)
  fi
  RPORTS=()
  for ((i = 0; i < 6; i++)); do
    RPORTS+=($((BENCH_REDIS_PORT + i)))
  done
  declare -A RPID=()

  start_redis() {
    local port=$1 dir=$WORK/redis/$1 deadline=$((SECONDS + 10))
    mkdir -p "$dir"
    # A killed instance may still hold its port for a moment.
    while port_in_use "$port"; do
      ((SECONDS < deadline)) || die "Redis port $port is in use; set BENCH_REDIS_PORT"
      sleep 0.05
    done
    (cd "$dir" && exec setsid redis-server --port "$port" --bind 127.0.0.1 \
      --protected-mode no --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout "$REDIS_NODE_TIMEOUT" --appendonly no --save '' \
      --dir "$dir" --logfile "$dir/redis.log" --daemonize no </dev/null >/dev/null 2>&1) &
    RPID[$port]=$!
    REDIS_PIDS+=("$!")
    # No "Killed" job notices; bash still reaps it.
    disown "$!"
    until redis-cli -p "$port" ping >/dev/null 2>&1; do
      ((SECONDS < deadline)) || die "redis-server on $port did not start (see $dir/redis.log)"
      sleep 0.05
    done
  }

  # All 6 up, cluster_state ok everywhere, 3 masters each with a live
  # replica link.
  redis_settled() {
    local port info masters=0 links=0
    for port in "${RPORTS[@]}"; do
      info=$(redis-cli -p "$port" cluster info 2>/dev/null) || return 1
      [[ $info == *cluster_state:ok* ]] || return 1
      info=$(redis-cli -p "$port" info replication 2>/dev/null) || return 1
      if [[ $info == *role:master* ]]; then
        [[ $info == *connected_slaves:1* ]] && masters=$((masters + 1))
      elif [[ $info == *master_link_status:up* ]]; then
        links=$((links + 1))
      fi
    done
    ((masters == 3 && links == 3))
  }

  wait_redis_settled() {
    local deadline=$((SECONDS + SETTLE_TIMEOUT))
    until redis_settled; do
      ((SECONDS < deadline)) || die "Redis Cluster did not settle within ${SETTLE_TIMEOUT}s"
      sleep 0.2
    done
  }

  # A master that serves slots.
  redis_master() {
    local port n=$1 masters=()
    for port in "${RPORTS[@]}"; do
      if [[ $(redis-cli -p "$port" info replication 2>/dev/null) == *role:master* ]]; then
        masters+=("$port")
      fi
    done
    ((${#masters[@]} > 0)) || die "no Redis master"
    echo "${masters[$((n % ${#masters[@]}))]}"
  }

  heading "Redis Cluster: 3 masters + 3 replicas (ports ${RPORTS[0]}..${RPORTS[5]}, cluster-node-timeout $REDIS_NODE_TIMEOUT)"
  for port in "${RPORTS[@]}"; do
    start_redis "$port"
  done
  hosts=()
  for port in "${RPORTS[@]}"; do
    hosts+=("127.0.0.1:$port")
  done
  redis-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes \
    >"$WORK/redis-create.log" 2>&1 || {
    cat "$WORK/redis-create.log" >&2
    die "redis-cli --cluster create failed"
  }
  wait_redis_settled
  echo "cluster ok"

  heading "Redis Cluster: $REDIS_ROUNDS rounds of crash (kill -9 of a master)"
  printf '%-6s %5s %7s %9s %s\n' kind round killed ms "failed attempts"
  for ((r = 1; r <= REDIS_ROUNDS; r++)); do
    master=$(redis_master "$r")
    out=$WORK/redis-$r
    probe_round crash "${RPID[$master]}" "$out" python3 "$PEER" "${RPORTS[@]}" \
      --master "$master" --timeout-ms "$TIMEOUT_MS" --deadline-ms "$((DEADLINE_MS + 3 * REDIS_NODE_TIMEOUT))" ||
      die "Redis round $r could not run"
    python3 - "$out.json" "$r" "$master" >>"$REDIS_RESULTS" <<'PY'
import json, sys
path, r, master = sys.argv[1:]
d = json.load(open(path))
d.update(kind="crash", round=int(r), killed=int(master))
print(json.dumps(d))
PY
    python3 -c '
import json, sys
d = json.loads(sys.stdin.readlines()[-1])
fails = ", ".join("%s %d" % kv for kv in sorted(d.get("failures", {}).items()))
print("%-6s %5d %7d %9s %s" % ("crash", d["round"], d["killed"],
      "%.1f" % d["latency_ms"] if d["ok"] else "FAILED",
      (fails or "-") + ("" if d["ok"] else "  (" + d.get("why", "") + ")")))
sys.exit(0 if d["ok"] else 1)
' <"$REDIS_RESULTS" || FAILED=$((FAILED + 1))
    # The killed master comes back as a replica of the promoted one.
    start_redis "$master"
    wait_redis_settled
  done
  stop_redis
fi

heading "Results (ratios matter; absolute figures on a shared machine are noise)"
python3 - "$RESULTS" "$REDIS_RESULTS" "$REDIS_WHY" "$CRASH_GOAL_MS" "$HANG_GOAL_MS" \
  "$REDIS_NODE_TIMEOUT" "$TIMEOUT_MS" "$PART_RESULTS" "$PART_WHY" "$MAJORITY_GOAL_MS" \
  "$REJOIN_GOAL_MS" "$CRASH_MAX_GOAL_MS" <<'PY'
import json, sys
(lm_path, redis_path, redis_why, crash_goal, hang_goal, node_timeout, timeout,
 part_path, part_why, majority_goal, rejoin_goal, crash_max_goal) = sys.argv[1:]
crash_goal, hang_goal = float(crash_goal), float(hang_goal)
crash_max_goal = float(crash_max_goal)
majority_goal, rejoin_goal = float(majority_goal), float(rejoin_goal)

def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]

lm, rd, part = load(lm_path), load(redis_path), load(part_path)

def summary(rows):
    ok = sorted(r["latency_ms"] for r in rows if r["ok"])
    if not ok:
        return None
    # Nearest rank, as lunchbench does.
    p50 = ok[min(int(0.5 * len(ok)), len(ok) - 1)]
    return {"rounds": len(rows), "failed": len(rows) - len(ok), "p50": p50,
            "min": ok[0], "max": ok[-1],
            "attempts": sum(r.get("attempts", 0) for r in rows if r["ok"]) / len(ok),
            "warm": sorted(r.get("warm_p50_ms", 0) for r in rows)[len(rows) // 2]}

rows = [
    ("lunchmesh crash (kill -9 owner)", summary([r for r in lm if r["kind"] == "crash"]), "measured"),
    ("lunchmesh hang (SIGSTOP owner)", summary([r for r in lm if r["kind"] == "hang"]), "measured"),
    ("Redis Cluster crash (kill -9 master)", summary(rd), "measured"),
]
print("%-38s %6s %5s %10s %10s %10s %9s %9s" % (
    "", "rounds", "fail", "p50 ms", "min ms", "max ms", "tries", "warm ms"))
for name, s, _ in rows:
    if s is None:
        print("%-38s %s" % (name, "not run" + (": " + redis_why if "Redis" in name and redis_why else "")))
        continue
    print("%-38s %6d %5d %10.1f %10.1f %10.1f %9.1f %9.3f" % (
        name, s["rounds"], s["failed"], s["p50"], s["min"], s["max"], s["attempts"], s["warm"]))
print("%-38s %28s" % ("Akka Cluster (defaults)", "25000-30000   published, not measured"))
print("%-38s %28s" % ("Orleans (defaults)", "~15000   published, not measured"))
print()
print("ms: from the signal to the first successful write sent after it;"
      " tries: writes sent\nafter the signal up to that one (mean); warm:"
      " p50 of a write before the signal.\nPer-request timeout %s ms on both"
      " sides, retried at once; Redis cluster-node-timeout\n%s ms (the old"
      " app's deployment)." % (timeout, node_timeout))
print()
crash, hang, redis = rows[0][1], rows[1][1], rows[2][1]
def ratio(a, b):
    return "%.1fx" % (a / b) if a and b else "n/a"
if redis:
    print("Redis p50 / lunchmesh crash p50: %s   (max / max: %s)" % (
        ratio(redis["p50"], crash["p50"] if crash else 0),
        ratio(redis["max"], crash["max"] if crash else 0)))
    print("Redis p50 / lunchmesh hang p50:  %s   (max / max: %s)" % (
        ratio(redis["p50"], hang["p50"] if hang else 0),
        ratio(redis["max"], hang["max"] if hang else 0)))
else:
    print("Redis / lunchmesh: n/a (Redis not run: %s)" % (redis_why or "unknown"))
if crash:
    print("Akka (25-30 s, published) / lunchmesh crash p50: %s..%s" % (
        ratio(25000, crash["p50"]), ratio(30000, crash["p50"])))
    print("Orleans (~15 s, published) / lunchmesh crash p50: %s" % ratio(15000, crash["p50"]))
print()
def goal(name, s, p50_limit, max_limit=None):
    want = "p50 <= %.0f ms" % p50_limit
    if max_limit is not None:
        want += ", max <= %.0f ms" % max_limit
    if not s:
        print("goal %-5s %s: not measured" % (name, want))
        return
    p50_ok = s["p50"] <= p50_limit and not s["failed"]
    max_ok = max_limit is None or s["max"] <= max_limit
    print("goal %-5s %s: p50 %7.1f ms, max %7.1f ms  %s" % (
        name, want, s["p50"], s["max"],
        "met" if p50_ok and max_ok
        else "NOT met (p50)" if not p50_ok and max_ok
        else "NOT met (max)" if p50_ok
        else "NOT met"))
goal("crash", crash, crash_goal, crash_max_goal)
goal("hang", hang, hang_goal)

print()
if not part:
    print("partition rounds: not run (%s)" % (part_why or "unknown"))
    sys.exit(0)
def nearest(values):
    values = sorted(values)
    return (values[min(int(0.5 * len(values)), len(values) - 1)], values[-1]) if values else (None, None)
serving = nearest([r["latency_ms"] for r in part if r["ok"]])
aside = nearest([r["aside_ms"] for r in part if r["aside_ms"] is not None])
rejoin = nearest([r["rejoin_ms"] for r in part if r["rejoin_ms"] >= 0])
acks = sum(r["minority_acks_after_aside"] or 0 for r in part)
never = sum(1 for r in part if r["aside_ms"] is None)
print("partition (peers-only cut of a shard owner), %d rounds:" % len(part))
def line(name, pm, goal=None):
    p50, mx = pm
    if p50 is None:
        print("  %-38s not measured" % name)
        return
    verdict = ""
    if goal is not None:
        verdict = "goal <= %.0f ms at p50: %s" % (goal, "met" if p50 <= goal else "NOT met")
    print("  %-38s p50 %7.0f ms  max %7.0f ms  %s" % (name, p50, mx, verdict))
line("cut -> first write served by majority", serving, majority_goal)
line("cut -> minority stepped aside", aside)
line("heal -> cut node up and reachable", rejoin, rejoin_goal)
print("  %-38s %d (goal 0)%s" % ("minority acks after stepping aside", acks,
      "; %d round(s) never stepped aside" % never if never else ""))
print("  %-38s %d" % ("most evictions of the cut node in a round", max(r["evictions"] for r in part)))
print("Peers' defaults, published, not measured here: Akka's split-brain resolver"
      "\n  (keep-majority) downs the minority after stable-after = 20 s (for clusters up"
      "\n  to 100 nodes); a Redis Cluster master cut off from the majority stops taking"
      "\n  writes after cluster-node-timeout = 15 s, and the majority promotes its"
      "\n  replica after that timeout plus an election (writes it took meanwhile are lost).")
if serving[0]:
    print("Akka stable-after 20 s / lunchmesh p50: %.0fx;  Redis node-timeout 15 s / lunchmesh p50: %.0fx"
          % (20000 / serving[0], 15000 / serving[0]))
PY

if ((REDIS == 0)); then
  echo "$SCRIPT_NAME: note: the Redis Cluster peer was not run: $REDIS_WHY" >&2
fi
if [[ -n $PART_WHY ]]; then
  echo "$SCRIPT_NAME: note: the partition rounds were not run: $PART_WHY" >&2
fi
echo "run time: ${SECONDS}s"
if ((FAILED > 0)); then
  echo "$SCRIPT_NAME: $FAILED round(s) failed (see above)" >&2
  exit 1
fi
