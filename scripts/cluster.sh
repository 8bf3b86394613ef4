#!/usr/bin/env bash
# Local lunchd nodes on top of the private PostgreSQL (scripts/pg.sh).
#
#   scripts/cluster.sh up [N]      start nodes node0..node{N-1} (default 3) and
#                                  wait until every shard is owned and spread
#   scripts/cluster.sh down        stop every recorded node (and remove the
#                                  network namespaces, see below)
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
#
# Separate hosts (root only): LUNCH_NETNS=1 at `up` runs each node in its
# own network namespace on a Linux bridge, so that the network can be
# split. LUNCH_NETNS_NET (default 10.77.0; three octets) names the /24:
# node i is NET.(i+1) (namespace lunch-NET-node<i> with NET's dots as
# dashes, eth0 inside; bridge-side veth lm<NET in hex>n<i>), the bridge
# lmbr<NET in hex> holds NET.254 (lunchctl and tests in the root namespace
# reach node i at NET.(i+1):BASE+i) and NET.253, where PostgreSQL also
# listens over TCP (pg.sh's LUNCH_PG_LISTEN: scram-sha-256, the password
# only in $LUNCH_PG_DIR/pgpass). Clusters with different LUNCH_NETNS_NET
# and LUNCH_CLUSTER_DIR (and best a LUNCH_PG_DIR each) run side by side.
# $LUNCH_CLUSTER_DIR/netns.state records what was created (also iptables
# ACCEPT rules for the bridge, added when a firewall filters bridged
# traffic); `down` removes exactly that; drills and `down` need no
# LUNCH_NETNS. Stop everything: scripts/cluster.sh down && scripts/pg.sh stop.
# Fault drills (netns clusters only; NODE: node1 or 1; heal undoes all):
#
#   scripts/cluster.sh partition NODE  NODE's link down: no peers, database or clients
#   scripts/cluster.sh cut NODE        blackhole routes between NODE and every
#                                      other node (database and clients still reach it)
#   scripts/cluster.sh cut-db NODE     blackhole route from NODE to the database
#   scripts/cluster.sh split A,B C[,D] [...]  every node of a group cut from
#                                      every node of the other groups
#   scripts/cluster.sh heal            every link up, every blackhole route gone
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

CLUSTER_DIR=$(realpath -m "${LUNCH_CLUSTER_DIR:-$ROOT/.cluster}")
BIN_DIR=${LUNCH_BIN_DIR:-$ROOT/build/bin}
LUNCHD=$BIN_DIR/lunchd
LUNCHCTL=$BIN_DIR/lunchctl
PG=$ROOT/scripts/pg.sh
READY_TIMEOUT=60 # a bound, not a speed: a loaded machine starts slowly
STOP_TIMEOUT=10
SETTLE_TIMEOUT=30
NETNS_STATE=$CLUSTER_DIR/netns.state

usage() {
  echo "usage: $SCRIPT_NAME up [N] | down | status | logs [NODE] | kill NODE | pause NODE | resume NODE" >&2
  echo "       $SCRIPT_NAME partition NODE | cut NODE | cut-db NODE | split A,B C[,D] [...] | heal   (LUNCH_NETNS=1 clusters)" >&2
  exit 2
}

# Bad input: the message, exit 2 (like usage).
bad_input() {
  echo "$SCRIPT_NAME: $*" >&2
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

# NODE as node1 or 1 -> its index; exit 2 on anything else.
node_index() {
  [[ $1 =~ ^(node)?(0|[1-9][0-9]*)$ ]] ||
    bad_input "'$1' is not a node (node1 or 1)"
  echo "${BASH_REMATCH[2]}"
}

# write_config NAME HOST PORT SEED OUT: SEED is node0's HOST:PORT.
write_config() {
  local name=$1 host=$2 port=$3 seed=$4 out=$5 catalog shards=() i
  catalog=$("$PG" dsn lunch_catalog)
  for ((i = 0; i < ${LUNCH_SHARDS:-4}; i++)); do
    shards+=("$("$PG" dsn "lunch_shard_$i")")
  done
  # python3 does the JSON quoting (DSNs carry paths).
  python3 - "$name" "$host" "$port" "${LUNCH_FAULT_INJECTION:-0}" \
    "$seed" "${LUNCH_NODE_CONFIG:-}" "$catalog" \
    "${shards[@]}" >"$out" <<'PY'
import json, sys
name, host, port, faults, seed, extra, catalog, *shards = sys.argv[1:]
config = {
    "node": name,
    "listen": {"host": host, "port": int(port)},
    "catalog": catalog,
    "shards": shards,
    "log_level": "info",
}
if seed != "%s:%s" % (host, port):
    # Peers are found through the catalog; node0 is a seed as well.
    config["cluster"] = {"seeds": [seed]}
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

# --- Network namespaces (LUNCH_NETNS=1) ------------------------------------

# Sets NET and the names derived from it, so that clusters on different
# networks never share a name: BR (bridge, like every interface name at
# most 15 characters), TAG (NET in hex), DB_ADDR, CLIENT_ADDR.
netns_names() {
  local a b c
  NET=$1
  IFS=. read -r a b c <<<"$NET"
  TAG=$(printf '%02x%02x%02x' "$a" "$b" "$c")
  BR=lmbr$TAG
  DB_ADDR=$NET.253
  CLIENT_ADDR=$NET.254
}

ns_of() { echo "lunch-${NET//./-}-node$1"; }
veth_of() { echo "lm${TAG}n$1"; }
ip_of() { echo "$NET.$(($1 + 1))"; }

need_root() {
  ((EUID == 0)) ||
    die "network namespaces need root (LUNCH_NETNS=1 clusters, their drills and their down); run as root"
}

check_net() {
  local octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])' first
  [[ $1 =~ ^$octet\.$octet\.$octet$ ]] ||
    bad_input "LUNCH_NETNS_NET must be three octets like 10.77.0, not '$1'"
  first=${1%%.*}
  ((first >= 1 && first <= 223 && first != 127)) ||
    bad_input "LUNCH_NETNS_NET=$1 is not a unicast network (first octet 1..223, not 127)"
}

# state_add KEY VALUE: one line of netns.state, written before the thing
# is created so that `down` also cleans up after an interrupted `up`.
state_add() {
  grep -qxF -- "$1 $2" "$NETNS_STATE" 2>/dev/null || echo "$1 $2" >>"$NETNS_STATE"
}

state_get() {
  [[ -f $NETNS_STATE ]] || return 0
  awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print }' "$NETNS_STATE"
}

# True (and the names set) if this cluster dir has network namespaces.
load_state() {
  local net
  net=$(state_get net | head -n 1)
  [[ -n $net ]] || return 1
  netns_names "$net"
}

# For drills: this cluster must be a netns one, and we root.
require_netns() {
  load_state ||
    die "$CLUSTER_DIR is not a network-namespace cluster; drills need one: LUNCH_NETNS=1 $SCRIPT_NAME up"
  need_root
}

# The indexes of the nodes that have a namespace, in order.
netns_indexes() {
  state_get netns | sed 's/.*-node//' | sort -n
}

# Who owns the bridge: its alias (ifalias) names the cluster dir.
bridge_owner() {
  cat "/sys/class/net/$BR/ifalias" 2>/dev/null || true
}

netns_bridge() {
  local owner used
  if [[ -e /sys/class/net/$BR ]]; then
    owner=$(bridge_owner)
    # An empty alias: our own `up` was interrupted right after creating it.
    if [[ $owner != "lunchmesh $CLUSTER_DIR" ]] &&
      ! { [[ -z $owner ]] && state_get bridge | grep -qxF "$BR"; }; then
      die "bridge $BR (network $NET.0/24) belongs to another cluster (${owner:-unknown}); set LUNCH_NETNS_NET to another network"
    fi
    state_add net "$NET"
  else
    # A network already used here would make our routes ambiguous.
    used=$({
      ip -4 -o addr show | awk -v p="$NET." 'index($4, p) == 1 { print $2 " " $4 }'
      ip -4 route show root "$NET.0/24"
    } | sed 's/ *$//' | paste -sd ';' | sed 's/;/; /g')
    [[ -z $used ]] ||
      die "network $NET.0/24 is already in use on this machine ($used); set LUNCH_NETNS_NET to another network"
    state_add net "$NET"
    state_add bridge "$BR"
    ip link add "$BR" type bridge
  fi
  ip link set "$BR" alias "lunchmesh $CLUSTER_DIR"
  # The first address is the primary one: connections from the root
  # namespace (clients) come from NET.254; PostgreSQL listens on NET.253.
  ip addr replace "$CLIENT_ADDR/24" dev "$BR"
  ip addr replace "$DB_ADDR/24" dev "$BR"
  ip link set "$BR" up
}

# netns_node I: namespace + veth pair for node I, created afresh unless it
# is complete (then left alone, drills included).
netns_node() {
  local i=$1 ns veth addr master
  ns=$(ns_of "$i")
  veth=$(veth_of "$i")
  addr=$(ip_of "$i")
  master=$(readlink "/sys/class/net/$veth/master" 2>/dev/null || true)
  if [[ -e /run/netns/$ns && ${master##*/} == "$BR" ]] &&
    ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | grep -qF " $addr/24 "; then
    return 0
  fi
  state_add netns "$ns"
  state_add veth "$veth"
  if [[ -e /sys/class/net/$veth ]]; then
    ip link del "$veth"
  fi
  if [[ -e /run/netns/$ns ]]; then
    ip netns del "$ns"
  fi
  ip netns add "$ns"
  # The peer is created inside the namespace: "eth0" there never clashes.
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BR" up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
}

# br_netfilter (bridge-nf-call-iptables=1) hands frames crossing a bridge
# to iptables' FORWARD chain, whose policy Docker for one sets to DROP; the
# nodes' traffic to the host (PostgreSQL, clients) passes INPUT. Where a
# chain is more than a bare ACCEPT policy, accept what stays on our bridge,
# first in the chain, and only that (down removes the rule).
netns_firewall() {
  local chain rule
  have_commands iptables || return 0
  for chain in FORWARD INPUT; do
    if [[ $chain == FORWARD ]]; then
      [[ $(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null) == 1 ]] || continue
      rule="FORWARD -i $BR -o $BR"
    else
      rule="INPUT -i $BR -s $NET.0/24"
    fi
    [[ $(iptables -w -S "$chain" 2>/dev/null) != "-P $chain ACCEPT" ]] || continue
    rule+=" -m comment --comment lunchmesh-$TAG -j ACCEPT"
    state_add iptables "$rule"
    # shellcheck disable=SC2086 # the rule is a list of words
    iptables -w -C $rule 2>/dev/null || iptables -w -I $rule
    echo "$SCRIPT_NAME: iptables: accepting $chain traffic of bridge $BR" >&2
  done
}

# True if node I is under a drill (link down or a blackhole route).
netns_drilled() {
  local i=$1 flags
  flags=$(cat "/sys/class/net/$(veth_of "$i")/flags" 2>/dev/null || echo 0)
  (((flags & 1) == 0)) || [[ -n $(ip -n "$(ns_of "$i")" route show type blackhole 2>/dev/null) ]]
}

# ping_from I ADDR: one answered ping from node I's namespace (3 tries:
# the first may wait for ARP).
ping_from() {
  local _
  for _ in 1 2 3; do
    if ip netns exec "$(ns_of "$1")" ping -c 1 -W 1 -q "$2" >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}

# Before any node starts: node to node across the bridge, and node to the
# host (the database's address). A firewall dropping either would
# otherwise look like a cluster that never settles.
netns_probe() {
  local n=$1 last=$(($1 - 1)) what
  netns_drilled 0 && return 0
  if ! ping_from 0 "$DB_ADDR"; then
    what="node0 ($(ns_of 0)) cannot reach the host at $DB_ADDR"
  elif ((n > 1)) && ! netns_drilled "$last" && ! ping_from "$last" "$(ip_of 0)"; then
    what="node$last ($(ns_of "$last")) cannot reach node0 at $(ip_of 0) across bridge $BR"
  else
    return 0
  fi
  die "$what: a firewall drops the bridge's traffic (iptables or nftables FORWARD/INPUT, br_netfilter); allow traffic on $BR, or run down and pick another LUNCH_NETNS_NET"
}

# netns_up N: bridge, namespaces for node0..node{N-1}, firewall, probe.
netns_up() {
  local n=$1 net=${LUNCH_NETNS_NET:-10.77.0} i
  need_root
  check_net "$net"
  ((n <= 252)) || bad_input "LUNCH_NETNS=1: node i is NET.(i+1), so at most 252 nodes, not $n"
  if load_state && [[ $NET != "$net" ]]; then
    die "$CLUSTER_DIR runs on network $NET.0/24; set LUNCH_NETNS_NET=$NET, or run down first"
  fi
  netns_names "$net"
  ensure_packages "${LUNCH_NETNS_PACKAGES[@]}"
  netns_bridge
  for ((i = 0; i < n; i++)); do
    if ! node_running "node$i"; then
      netns_node "$i"
      if netns_drilled "$i"; then
        echo "$SCRIPT_NAME: warning: node$i is under a network drill; it may not start (run heal first)" >&2
      fi
    fi
  done
  netns_firewall
  netns_probe "$n"
}

# Stops leftover lunchd processes in our namespaces (a start interrupted
# before its pid file was written), then removes what netns.state lists.
netns_down() {
  local rule veth ns pid pids=() removed=()
  load_state || return 0
  need_root
  while read -r ns; do
    [[ -e /run/netns/$ns ]] || continue
    while read -r pid; do
      if proc_alive "$pid" lunchd; then
        pids+=("$pid")
      fi
    done < <(ip netns pids "$ns" 2>/dev/null)
  done < <(state_get netns)
  if ((${#pids[@]} > 0)); then
    stop_pids "${pids[@]}"
    echo "stopped lunchd without a pid file: ${pids[*]}"
  fi
  while read -r rule; do
    if [[ -z $rule ]] || ! have_commands iptables; then
      continue
    fi
    # shellcheck disable=SC2086 # the rule is a list of words
    while iptables -w -C $rule 2>/dev/null; do
      iptables -w -D $rule
    done
    removed+=("iptables rule (${rule%% *})")
  done < <(state_get iptables)
  while read -r veth; do
    if [[ -e /sys/class/net/$veth ]]; then
      ip link del "$veth"
    fi
  done < <(state_get veth)
  while read -r ns; do
    if [[ -e /run/netns/$ns ]]; then
      ip netns del "$ns"
      removed+=("$ns")
    fi
  done < <(state_get netns)
  if [[ -e /sys/class/net/$BR ]]; then
    case $(bridge_owner) in
      "lunchmesh $CLUSTER_DIR" | "") ip link del "$BR"; removed+=("bridge $BR") ;;
      *) echo "$SCRIPT_NAME: bridge $BR now belongs to another cluster; left alone" >&2 ;;
    esac
  fi
  rm -f "$NETNS_STATE"
  if ((${#removed[@]} > 0)); then
    echo "removed network $NET.0/24: ${removed[*]}"
  fi
}

# --- Fault drills (network) --------------------------------------------------

# drill_index NODE: its index, if it has a namespace here.
drill_index() {
  local i
  i=$(node_index "$1") || exit
  state_get netns | grep -qxF "$(ns_of "$i")" ||
    die "node$i has no network namespace in $CLUSTER_DIR"
  echo "$i"
}

# blackhole I ADDR: in node I's namespace, packets to ADDR are dropped
# (new and existing connections: a route change invalidates cached routes).
blackhole() {
  ip -n "$(ns_of "$1")" route replace blackhole "$2/32"
}

# cut_pairs: reads "I J" lines; no packet between nodes I and J, either
# way. Each namespace gets its routes in one `ip -batch`, all namespaces at
# once, so the cut lands nearly together as a real one does (one route at a
# time took a few hundred ms on a loaded machine, and the nodes saw a
# split's connections time out that much apart).
cut_pairs() {
  local -A batch=()
  local i j pids=() pid rc=0
  while read -r i j; do
    [[ -n $i ]] || continue
    batch[$i]+="route replace blackhole $(ip_of "$j")/32"$'\n'
    batch[$j]+="route replace blackhole $(ip_of "$i")/32"$'\n'
  done
  for i in "${!batch[@]}"; do
    ip -n "$(ns_of "$i")" -batch - <<<"${batch[$i]}" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || rc=1
  done
  return "$rc"
}

drill_partition() {
  local i
  i=$(drill_index "$1")
  ip link set "$(veth_of "$i")" down
  echo "node$i partitioned: link $(veth_of "$i") down (no peers, database or clients)"
}

drill_cut() {
  local i j others=() pairs=""
  i=$(drill_index "$1")
  while read -r j; do
    if ((j != i)); then
      pairs+="$i $j"$'\n'
      others+=("node$j")
    fi
  done < <(netns_indexes)
  cut_pairs <<<"$pairs"
  echo "node$i cut from its peers (${others[*]:-none}): blackhole routes both ways; database and clients still reach it"
}

drill_cut_db() {
  local i
  i=$(drill_index "$1")
  blackhole "$i" "$DB_ADDR"
  echo "node$i cut from the database: blackhole route to $DB_ADDR in $(ns_of "$i")"
}

# split G1 G2 [...]: each group a comma-separated list of nodes.
drill_split() {
  local groups=() seen=" " g item items i a b x y indexes names desc="" pairs=""
  (($# >= 2)) || bad_input "split needs at least two groups, e.g. split 0,1 2"
  for g in "$@"; do
    [[ $g =~ ^[^,]+(,[^,]+)*$ ]] || bad_input "'$g' is not a group like 0,1 or node0,node1"
    indexes=""
    names=""
    IFS=, read -ra items <<<"$g"
    for item in "${items[@]}"; do
      i=$(drill_index "$item")
      [[ $seen != *" $i "* ]] || bad_input "node$i is in more than one group"
      seen+="$i "
      indexes+=" $i"
      names+=" node$i"
    done
    groups+=("$indexes")
    desc+=" |$names"
  done
  for ((a = 0; a < ${#groups[@]}; a++)); do
    for ((b = a + 1; b < ${#groups[@]}; b++)); do
      read -ra x <<<"${groups[a]}"
      read -ra y <<<"${groups[b]}"
      for i in "${x[@]}"; do
        for g in "${y[@]}"; do
          pairs+="$i $g"$'\n'
        done
      done
    done
  done
  cut_pairs <<<"$pairs"
  echo "split ${desc:3}: blackhole routes between the groups; database and clients still reach every node"
}

drill_heal() {
  local i veth ns links=0 routes=0 n
  while read -r i; do
    veth=$(veth_of "$i")
    ns=$(ns_of "$i")
    if [[ -e /sys/class/net/$veth ]] && ((($(cat "/sys/class/net/$veth/flags") & 1) == 0)); then
      ip link set "$veth" up
      links=$((links + 1))
    fi
    if [[ -e /run/netns/$ns ]]; then
      n=$(ip -n "$ns" route show type blackhole | grep -c . || true)
      if ((n > 0)); then
        ip -n "$ns" route flush type blackhole
        routes=$((routes + n))
      fi
    fi
  done < <(netns_indexes)
  echo "healed: $links link(s) up, $routes blackhole route(s) removed"
}

# What drills hold node I (for status): "", or e.g. "; partitioned".
drill_notes() {
  local i=$1 flags notes="" dst peers=""
  flags=$(cat "/sys/class/net/$(veth_of "$i")/flags" 2>/dev/null || echo 1)
  if (((flags & 1) == 0)); then
    notes+="; partitioned"
  fi
  while read -r _ dst _; do
    if [[ $dst == "$DB_ADDR" ]]; then
      notes+="; cut from the database"
    elif [[ $dst == "$NET".* ]]; then
      peers+=" node$((${dst##*.} - 1))"
    fi
  done < <(ip -n "$(ns_of "$i")" route show type blackhole 2>/dev/null)
  echo "$notes${peers:+; cut from$peers}"
}

# True while PID is lunchd or one of the wrappers that exec into it. Right
# after `&` the child is still a copy of this shell (same comm), not yet
# setsid: on a busy machine the first check can see it so.
starting_alive() {
  local name shell
  shell=$(cat "/proc/$$/comm" 2>/dev/null)
  for name in lunchd setsid nohup ip taskset "$shell"; do
    proc_alive "$1" "$name" && return 0
  done
  return 1
}

start_node() {
  local i=$1 name="node$1" port host seed addr pid cfg log deadline netns=() where=""
  port=$((${LUNCH_BASE_PORT:-4710} + i))
  cfg=$CLUSTER_DIR/$name.json
  log=$CLUSTER_DIR/$name.log
  if node_running "$name"; then
    echo "$name already running (pid $(node_pid "$name"), $(node_addr "$name"))"
    return 0
  fi
  if ((NETNS)); then
    # Its own namespace, so its own address (and free ports).
    host=$(ip_of "$i")
    seed=$(ip_of 0):${LUNCH_BASE_PORT:-4710}
    netns=(ip netns exec "$(ns_of "$i")")
    where=" in $(ns_of "$i")"
  else
    host=127.0.0.1
    seed=127.0.0.1:${LUNCH_BASE_PORT:-4710}
    if port_in_use "$port"; then
      die "port $port is already in use; set LUNCH_BASE_PORT to a free port"
    fi
  fi
  write_config "$name" "$host" "$port" "$seed" "$cfg"
  echo "$host:$port" >"$CLUSTER_DIR/$name.addr"
  addr=$(node_addr "$name")
  echo "--- $(date -Is) starting $name on $addr$where" >>"$log"
  # setsid + nohup + </dev/null: the node outlives this script and its
  # terminal, and a Ctrl-C meant for the caller never reaches it (callers
  # stop it with `down`). setsid does not fork here (a background child is
  # no process-group leader), and nohup, `ip netns exec` and taskset exec
  # without forking, so $! is lunchd's own pid.
  local pin=()
  if [[ ${LUNCH_PIN_CPUS:-0} == 1 ]]; then
    # One core per node (node i on CPU i mod cores): nodes act like
    # separate machines, e.g. to measure how work spreads over nodes.
    pin=(taskset -c "$((i % $(nproc)))")
  fi
  setsid nohup "${netns[@]}" "${pin[@]}" "$LUNCHD" --config "$cfg" </dev/null >>"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$CLUSTER_DIR/$name.pid"
  deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    if "$LUNCHCTL" --node "$addr" --timeout 2 node status >/dev/null 2>&1 &&
      proc_alive "$pid" lunchd; then
      echo "$name up (pid $pid, $addr, log $log)"
      return 0
    fi
    if ! starting_alive "$pid"; then
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

# True if some node of this cluster dir is running.
any_running() {
  local name
  while read -r name; do
    node_running "$name" && return 0
  done < <(list_nodes)
  return 1
}

up() {
  local n=${1:-3} i
  [[ $n =~ ^[1-9][0-9]*$ ]] || usage
  [[ -x $LUNCHD && -x $LUNCHCTL ]] ||
    die "missing $LUNCHD or $LUNCHCTL; build first (cmake -S . -B build && cmake --build build)"
  mkdir -p "$CLUSTER_DIR"
  if ((NETNS)); then
    if ! load_state && any_running; then
      die "the nodes of $CLUSTER_DIR run on 127.0.0.1; run down first to restart them with LUNCH_NETNS=1"
    fi
    netns_up "$n"
    # The bridge address exists now; pg.sh (re)starts PostgreSQL to listen
    # there, and its DSNs (in the configs) use TCP with the passfile.
    export LUNCH_PG_LISTEN=$DB_ADDR LUNCH_PG_CLIENTS=$NET.0/24
  elif load_state; then
    die "$CLUSTER_DIR is a LUNCH_NETNS=1 cluster (network $NET.0/24); set LUNCH_NETNS=1, or run down first"
  fi
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
  netns_down
}

status() {
  local name addr rc=0 any=0 ask="" in_netns=0 notes
  if load_state; then
    in_netns=1
    echo "network $NET.0/24: bridge $BR, clients $CLIENT_ADDR, database $DB_ADDR"
  fi
  while read -r name; do
    any=1
    addr=$(node_addr "$name")
    notes=""
    if ((in_netns && EUID == 0)) && state_get netns | grep -qxF "$(ns_of "${name#node}")"; then
      notes=", netns $(ns_of "${name#node}")$(drill_notes "${name#node}")"
    fi
    if node_running "$name"; then
      echo "$name: running (pid $(node_pid "$name"), $addr$notes)"
      ask=${ask:-$addr}
    else
      echo "$name: stopped${notes:+ (${notes#, })}"
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

case ${LUNCH_NETNS:-0} in
  0 | 1) NETNS=${LUNCH_NETNS:-0} ;;
  *) bad_input "LUNCH_NETNS must be 1 (nodes in network namespaces) or 0, not '$LUNCH_NETNS'" ;;
esac

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
  partition) (($# == 1)) || usage; require_netns; drill_partition "$1" ;;
  cut) (($# == 1)) || usage; require_netns; drill_cut "$1" ;;
  cut-db) (($# == 1)) || usage; require_netns; drill_cut_db "$1" ;;
  split) (($# >= 2)) || usage; require_netns; drill_split "$@" ;;
  heal) (($# == 0)) || usage; require_netns; drill_heal ;;
  *) usage ;;
esac
