#!/usr/bin/env bash
# Local lunchd nodes on top of the private PostgreSQL (scripts/pg.sh).
#
#   scripts/cluster.sh up [N]      start nodes node0..node{N-1} (default 3) and
#                                  wait until every shard is owned and spread
#   scripts/cluster.sh down        stop every recorded node
#   scripts/cluster.sh status      running/stopped + `lunchctl cluster status`
#   scripts/cluster.sh logs [NODE] the last 50 log lines (NODE: node0 or 0)
#   scripts/cluster.sh kill NODE   kill -9 (a crash)
#   scripts/cluster.sh pause NODE  SIGSTOP (a hang); resume NODE: SIGCONT
#
# Environment: LUNCH_CLUSTER_DIR (default $ROOT/.cluster: configs, logs,
# pids), LUNCH_BASE_PORT (default 4710; node i listens on BASE+i),
# LUNCH_PG_DIR and LUNCH_SHARDS (passed on to pg.sh), LUNCH_BIN_DIR
# (default $ROOT/build/bin), LUNCH_FAULT_INJECTION=1 (the nodes accept
# `lunchctl debug ...`), LUNCH_NODE_CONFIG (a JSON object of config keys
# for every node, e.g. '{"recommend": {"seed": 0}}'), LUNCH_PIN_CPUS=1
# (node i runs on CPU i mod cores only).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CLUSTER_DIR=$(realpath -m "${LUNCH_CLUSTER_DIR:-$ROOT/.cluster}")
BIN_DIR=${LUNCH_BIN_DIR:-$ROOT/build/bin}
LUNCHD=$BIN_DIR/lunchd
LUNCHCTL=$BIN_DIR/lunchctl
PG=$ROOT/scripts/pg.sh
READY_TIMEOUT=15
STOP_TIMEOUT=10
SETTLE_TIMEOUT=30

usage() {
  echo "usage: $SCRIPT_NAME up [N] | down | status | logs [NODE] | kill NODE | pause NODE | resume NODE" >&2
  exit 2
}

# Node names that have a config in CLUSTER_DIR, in numeric order.
list_nodes() {
  local f
  shopt -s nullglob
  for f in "$CLUSTER_DIR"/node*.json; do
    f=${f##*/}
    echo "${f%.json}"
  done | sort -V
}

node_pid() {
  cat "$CLUSTER_DIR/$1.pid" 2>/dev/null || true
}

node_running() {
  proc_alive "$(node_pid "$1")" lunchd
}

node_addr() {
  cat "$CLUSTER_DIR/$1.addr" 2>/dev/null || true
}

write_config() {
  local name=$1 port=$2 out=$3 catalog shards=() i
  catalog=$("$PG" dsn lunch_catalog)
  for ((i = 0; i < ${LUNCH_SHARDS:-4}; i++)); do
    shards+=("$("$PG" dsn "lunch_shard_$i")")
  done
  # python3 does the JSON quoting (DSNs carry paths).
  python3 - "$name" "$port" "${LUNCH_FAULT_INJECTION:-0}" \
    "$((${LUNCH_BASE_PORT:-4710}))" "${LUNCH_NODE_CONFIG:-}" "$catalog" \
    "${shards[@]}" >"$out" <<'PY'
import json, sys
name, port, faults, seed_port, extra, catalog, *shards = sys.argv[1:]
config = {
    "node": name,
    "listen": {"host": "127.0.0.1", "port": int(port)},
    "catalog": catalog,
    "shards": shards,
    "log_level": "info",
}
if port != seed_port:
    # Peers are found through the catalog; node0 is a seed as well.
    config["cluster"] = {"seeds": ["127.0.0.1:" + seed_port]}
if faults == "1":
    config["debug"] = {"fault_injection": True}
if extra:
    # LUNCH_NODE_CONFIG: a JSON object of top-level keys to set, e.g.
    # {"recommend": {"builders": 1}}
    config.update(json.loads(extra))
json.dump(config, sys.stdout, indent=2)
print()
PY
}

# SIGTERM, then SIGKILL after STOP_TIMEOUT seconds; only for our lunchd pids.
# A paused node is continued first, or it could not act on the SIGTERM.
stop_pids() {
  local pid left=() deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "$@"; do
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  while :; do
    left=()
    for pid in "$@"; do
      if proc_alive "$pid" lunchd; then
        left+=("$pid")
      fi
    done
    if ((${#left[@]} == 0 || SECONDS >= deadline)); then
      break
    fi
    sleep 0.2
  done
  for pid in "${left[@]}"; do
    echo "$SCRIPT_NAME: pid $pid ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
}

start_node() {
  local i=$1 name="node$1" port addr pid cfg log deadline
  port=$((${LUNCH_BASE_PORT:-4710} + i))
  addr=127.0.0.1:$port
  cfg=$CLUSTER_DIR/$name.json
  log=$CLUSTER_DIR/$name.log
  if node_running "$name"; then
    echo "$name already running (pid $(node_pid "$name"), $(node_addr "$name"))"
    return 0
  fi
  if port_in_use "$port"; then
    die "port $port is already in use; set LUNCH_BASE_PORT to a free port"
  fi
  write_config "$name" "$port" "$cfg"
  echo "$addr" >"$CLUSTER_DIR/$name.addr"
  echo "--- $(date -Is) starting $name on $addr" >>"$log"
  # setsid + nohup + </dev/null: the node outlives this script and its
  # terminal, and a Ctrl-C meant for the caller never reaches it (callers
  # stop it with `down`). setsid does not fork here (a background child is
  # no process-group leader), so $! is lunchd's own pid.
  local pin=()
  if [[ ${LUNCH_PIN_CPUS:-0} == 1 ]]; then
    # One core per node (node i on CPU i mod cores): nodes act like
    # separate machines, e.g. to measure how work spreads over nodes.
    pin=(taskset -c "$((i % $(nproc)))")
  fi
  setsid nohup "${pin[@]}" "$LUNCHD" --config "$cfg" </dev/null >>"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$CLUSTER_DIR/$name.pid"
  deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    if "$LUNCHCTL" --node "$addr" --timeout 2 node status >/dev/null 2>&1; then
      echo "$name up (pid $pid, $addr, log $log)"
      return 0
    fi
    if ! proc_alive "$pid" lunchd; then
      echo "$SCRIPT_NAME: $name exited during start-up; last log lines:" >&2
      break
    fi
    if ((SECONDS >= deadline)); then
      echo "$SCRIPT_NAME: $name not ready after ${READY_TIMEOUT}s; last log lines:" >&2
      stop_pids "$pid"
      break
    fi
    sleep 0.3
  done
  tail -n 30 "$log" >&2 || true
  rm -f "$CLUSTER_DIR/$name.pid"
  exit 1
}

# Waits until every node running here is up in the catalog (a node that
# was paused and continued registers again), every shard lease is held by
# an up node and no node holds two more than another (the joins' handoffs
# are done).
wait_settled() {
  local addr=$1 running=0 name deadline=$((SECONDS + SETTLE_TIMEOUT)) doc
  while read -r name; do
    if node_running "$name"; then
      running=$((running + 1))
    fi
  done < <(list_nodes)
  while :; do
    doc=$("$LUNCHCTL" --node "$addr" --timeout 2 --json cluster status 2>/dev/null || true)
    if [[ -n $doc ]] && python3 -c '
import json, sys
d = json.loads(sys.argv[1])
up = [n for n in d["nodes"] if n["state"] == "up"]
owned = sum(len(n["shards"]) for n in up)
counts = [len(n["shards"]) for n in up]
sys.exit(0 if len(up) >= int(sys.argv[2]) and owned == len(d["leases"])
         and max(counts) - min(counts) <= 1 else 1)
' "$doc" "$running"; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      echo "$SCRIPT_NAME: the cluster did not settle within ${SETTLE_TIMEOUT}s:" >&2
      "$LUNCHCTL" --node "$addr" --timeout 2 cluster status >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

up() {
  local n=${1:-3} i
  [[ $n =~ ^[1-9][0-9]*$ ]] || usage
  [[ -x $LUNCHD && -x $LUNCHCTL ]] ||
    die "missing $LUNCHD or $LUNCHCTL; build first (cmake -S . -B build && cmake --build build)"
  mkdir -p "$CLUSTER_DIR"
  "$PG" start >/dev/null
  for ((i = 0; i < n; i++)); do
    start_node "$i"
  done
  wait_settled "$(node_addr node0)"
  "$LUNCHCTL" --node "$(node_addr node0)" cluster status
}

down() {
  local name pid pids=() names=()
  while read -r name; do
    pid=$(node_pid "$name")
    if proc_alive "$pid" lunchd; then
      pids+=("$pid")
      names+=("$name")
    fi
  done < <(list_nodes)
  if ((${#pids[@]} > 0)); then
    stop_pids "${pids[@]}"
    echo "stopped: ${names[*]}"
  else
    echo "no nodes running"
  fi
  rm -f "$CLUSTER_DIR"/node*.pid
}

status() {
  local name addr rc=0 any=0 ask=""
  while read -r name; do
    any=1
    addr=$(node_addr "$name")
    if node_running "$name"; then
      echo "$name: running (pid $(node_pid "$name"), $addr)"
      ask=${ask:-$addr}
    else
      echo "$name: stopped"
      rc=1
    fi
  done < <(list_nodes)
  if ((any == 0)); then
    echo "no nodes in $CLUSTER_DIR (run: $SCRIPT_NAME up)"
    return 1
  fi
  if [[ -n $ask ]]; then
    echo
    "$LUNCHCTL" --node "$ask" cluster status || rc=1
  fi
  return "$rc"
}

# kill | pause | resume NODE: fault drills on one running node.
signal_node() {
  local sig=$1 node=$2 pid
  [[ $node == node* ]] || node=node$node
  [[ -f $CLUSTER_DIR/$node.json ]] || die "no node $node in $CLUSTER_DIR"
  pid=$(node_pid "$node")
  proc_alive "$pid" lunchd || die "$node is not running"
  kill "-$sig" "$pid"
  case $sig in
    KILL) rm -f "$CLUSTER_DIR/$node.pid"; echo "$node (pid $pid) killed" ;;
    STOP) echo "$node (pid $pid) paused" ;;
    CONT) echo "$node (pid $pid) resumed" ;;
  esac
}

logs() {
  local node=${1:-} files=() name
  if [[ -n $node ]]; then
    [[ $node == node* ]] || node=node$node
    [[ -f $CLUSTER_DIR/$node.log ]] || die "no log for $node in $CLUSTER_DIR"
    files=("$CLUSTER_DIR/$node.log")
  else
    while read -r name; do
      if [[ -f $CLUSTER_DIR/$name.log ]]; then
        files+=("$CLUSTER_DIR/$name.log")
      fi
    done < <(list_nodes)
    ((${#files[@]} > 0)) || die "no logs in $CLUSTER_DIR"
  fi
  tail -n 50 "${files[@]}"
}

(($# >= 1)) || usage
cmd=$1
shift
case $cmd in
  up) (($# <= 1)) || usage; up "$@" ;;
  down) (($# == 0)) || usage; down ;;
  status) (($# == 0)) || usage; status ;;
  logs) (($# <= 1)) || usage; logs "$@" ;;
  kill) (($# == 1)) || usage; signal_node KILL "$1" ;;
  pause) (($# == 1)) || usage; signal_node STOP "$1" ;;
  resume) (($# == 1)) || usage; signal_node CONT "$1" ;;
  *) usage ;;
esac
