#!/usr/bin/env bash
# shellcheck disable=SC2016 # awk programs in single quotes
# Partitions: nodes on separate hosts (network namespaces on a bridge,
# scripts/cluster.sh with LUNCH_NETNS=1; root only) under three writers
# that retry each write, with its request id, through the nodes until one
# acknowledges it. A nemesis applies each drill in turn and heals:
#   cut node2 (from its peers only), partition node1 (fully isolated),
#   cut-db node0 (from PostgreSQL only), and, after a fourth node joined,
#   split 0,1 2,3 (an even split: the side of the oldest member wins).
# During each drill: writes sent to the majority side succeed from 3 s
# after the cut on; the minority acknowledges no write once it has stepped
# aside (its log says cluster.minority); each minority node is evicted at
# most once. After each heal every node is up and reachable again (the
# time it took is printed).
# At the end PostgreSQL is checked: every acknowledged write stored exactly
# once, points exact (50 per hosted, 30 per joined party), no party over
# max_members, lease epochs that never went down.
#
# Chaos mode (LUNCH_CHAOS_DRILLS=K > 0, not in scripts/test.sh; used for
# docs/capacity.md): LUNCH_PARTITION_NODES=N nodes (default 3) and, instead
# of the drills above, K drills drawn at random (LUNCH_CHAOS_SEED): cut,
# partition or cut-db of a node, kill -9 (healed by a restart), SIGSTOP
# (healed by SIGCONT), or a split that cuts a minority of up to (N-1)/2
# nodes from the rest; each checked as above, then the same end checks.
#
# Environment: LUNCH_BIN_DIR (default $ROOT/build/bin); LUNCH_E2E_KEEP=1
# keeps the temporary directory. Exits 77 (skipped) when not root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh disable=SC1091
source "$HERE/lib.sh"

if ((EUID != 0)); then
  echo "partition_test: network namespaces need root; skipped"
  exit 77
fi

CHAOS=${LUNCH_CHAOS_DRILLS:-0}
CHAOS_NODES=${LUNCH_PARTITION_NODES:-3}
if ! [[ $CHAOS =~ ^[0-9]+$ && $CHAOS_NODES =~ ^[0-9]+$ ]] || ((CHAOS_NODES < 3)); then
  echo "partition_test: LUNCH_CHAOS_DRILLS must be >= 0 and LUNCH_PARTITION_NODES >= 3" >&2
  exit 2
fi
if ((CHAOS > 0)); then
  e2e_cluster_begin part "$CHAOS_NODES" "$CHAOS_NODES"
else
  e2e_cluster_begin part 4 4
fi
export LUNCH_NETNS=1
LUNCH_NETNS_NET=$(free_netns_net)
export LUNCH_NETNS_NET
WRITERS=3

# shellcheck disable=SC2317 # the EXIT trap
partition_cleanup() {
  local rc=$?
  # errexit would end the trap at the (exit "$rc") below, nodes running.
  set +e
  touch "$WORK/stop" 2>/dev/null || true
  "$CLUSTER" heal >/dev/null 2>&1 || true
  (exit "$rc")
  e2e_cluster_cleanup
}
trap partition_cleanup EXIT

# Node N listens on its namespace's address.
addr() {
  echo "$LUNCH_NETNS_NET.$(($1 + 1)):$((LUNCH_BASE_PORT + $1))"
}

set_phase() {
  echo "$1" >"$WORK/phase.new"
  mv "$WORK/phase.new" "$WORK/phase"
}

# Writer K: user creates and joins, each with a request id, sent to the
# live nodes in turn until acknowledged (or refused as party_full /
# already_joined). Every attempt: "T0 T1 OP KEY PARTY NODE RC CODE PHASE".
writer() {
  set +e
  local k=$1 i=0
  attempt_until_done() { # OP KEY PARTY ARGS...
    local op=$1 key=$2 party=$3 n=$((k + i)) t0 t1 out rc code phase
    shift 3
    local rid="$op-$key"
    while [[ ! -e $WORK/stop ]]; do
      local target=$((n % $(<"$WORK/nodes")))
      n=$((n + 1))
      phase=$(<"$WORK/phase")
      t0=$(now_us)
      out=$(timeout 30 "$BIN/lunchctl" --node "$(addr "$target")" --timeout 5 \
        --json --request-id "$rid" "$@" 2>&1)
      rc=$?
      t1=$(now_us)
      code=-
      [[ $out =~ \"error\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
      # Not sent: lunchctl could not connect (a starved machine can drop a
      # new connection before its handshake), as in cluster_test.
      [[ $out == *'"cannot reach node '* ]] && code=not_sent
      echo "$t0 $t1 $op $key $party $target $rc $code $phase" >>"$WORK/w$k.log"
      ((rc == 0)) || echo "$t0 $phase node$target $op $key: ${out:0:300}" >>"$WORK/errors.log"
      if [[ $rc == 0 ]]; then
        echo "$op $key $party" >>"$WORK/acked$k"
        return 0
      fi
      [[ $code == party_full || $code == already_joined ]] && return 1
      sleep 0.1
    done
    return 1
  }
  while [[ ! -e $WORK/stop ]]; do
    i=$((i + 1))
    local key="P$k-$i" parties party
    if attempt_until_done create "$key" - user create "$key" --nickname "p$k.$i"; then
      read -r -a parties <"$WORK/parties"
      party=${parties[$((RANDOM % ${#parties[@]}))]}
      attempt_until_done join "$key" "$party" party join "$party" "$key"
    fi
  done
}

# Attempts that started in phase P at or after T_US and ended before
# END_US, through nodes NODES (comma list): "NODE:RC:CODE" of the failed.
failed_attempts() { # P T_US END_US NODES
  cat "$WORK"/w[0-9]*.log | awk -v p="$1" -v t="$2" -v e="$3" -v nodes=",$4," '
    $9 == p && $1 >= t && $2 <= e && index(nodes, "," $6 ",") && $7 != 0 &&
    $8 != "party_full" && $8 != "already_joined" && $8 != "not_sent" {
    printf "node%s:rc%s:%s ", $6, $7, $8 }'
}

acked_attempts() { # P T_US END_US NODES: acknowledged attempts through NODES
  cat "$WORK"/w[0-9]*.log | awk -v p="$1" -v t="$2" -v e="$3" -v nodes=",$4," '
    $9 == p && $1 >= t && $2 <= e && index(nodes, "," $6 ",") && $7 == 0 {
    printf "node%s:%s:%s ", $6, $3, $4 }'
}

# Microseconds since the epoch of the first log line of node N matching
# EVENT after byte offset OFF (empty if none).
log_time_us() { # N OFF EVENT
  log_event_us "$LUNCH_CLUSTER_DIR/node$1.log" "$2" "$3"
}

log_size() {
  stat -c %s "$LUNCH_CLUSTER_DIR/node$1.log"
}

# Every node N < COUNT up in the catalog and reached by node 0.
all_up() { # COUNT
  run "$BIN/lunchctl" --node "$(addr 0)" --timeout 2 --json cluster status
  [[ $RC == 0 ]] && [[ $(json_value "len([n for n in d['nodes'] if n['state'] == 'up' and n['reachable']]) == $1 and all(l['owner'] for l in d['leases'])") == true ]]
}

# Acknowledged writes keep coming in the current phase (N more of them).
acks_grow() { # N
  (($(cat "$WORK"/acked[0-9]* 2>/dev/null | wc -l) >= $1))
}

declare -a REJOIN_MS DRILL_NOTES
# How a drill is undone: cluster.sh's arguments (a kill is healed by `up`).
HEAL=(heal)
# drill NAME MAJORITY MINORITY GRACE ARGS...: apply `cluster.sh ARGS`, let
# the writers run 8 s, check that writes through the majority succeed from
# GRACE seconds after the cut on, heal (`cluster.sh ${HEAL[@]}`), wait for
# all nodes.
drill() {
  local name=$1 majority=$2 minority=$3 grace=$4 nodes
  shift 4
  nodes=$(<"$WORK/nodes")
  section "drill $name: cluster.sh $* (majority: $majority; minority: ${minority:-none})"
  local offs=() n acked0
  for ((n = 0; n < nodes; n++)); do offs[n]=$(log_size "$n"); done
  set_phase "$name"
  acked0=$(cat "$WORK"/acked[0-9]* | wc -l)
  local cut_us
  cut_us=$(now_us)
  "$CLUSTER" "$@" || fatal "cluster.sh $* failed"
  wait_until 30 acks_grow $((acked0 + 5)) ||
    check_fail "$name: fewer than 5 writes acknowledged within 30 s of the cut"
  sleep 8 # the load goes on under the drill; the checks read its log
  ((grace < 8)) || fatal "drill $name: grace $grace s must be below 8 s"
  local heal_us
  heal_us=$(now_us)
  set_phase "$name-healed"
  "$CLUSTER" "${HEAL[@]}" >/dev/null || fatal "cluster.sh ${HEAL[*]} failed"
  # The rejoin counts from the heal's end (the checks' window ends at its
  # start: the minority may serve again right after).
  local healed_us
  healed_us=$(now_us)
  if wait_until 30 all_up "$nodes"; then
    check_pass
  else
    check_fail "$name: not every node up and reachable within 30 s of the heal" "$(_last_output)"
  fi
  local rejoin_ms=$((($(now_us) - healed_us) / 1000))
  REJOIN_MS+=("$name:$rejoin_ms")
  # A figure, not a check (timings belong to scripts/bench/failover.sh).
  echo "$name: every node up and reachable $rejoin_ms ms after the heal"
  # Writes through the majority from GRACE s after the cut until the heal.
  local failed
  failed=$(failed_attempts "$name" $((cut_us + grace * 1000000)) "$heal_us" "$majority")
  LAST_CMD="the writers' logs (errors: $WORK/errors.log)"
  expect_eq "$name: failed writes sent to the majority (nodes $majority) from $grace s after the cut" \
    "" "$failed"
  [[ -z $failed ]] || grep " $name " "$WORK/errors.log" | tail -n 5 >&2 || true
  local m aside_us evictions
  for m in ${minority//,/ }; do
    aside_us=$(log_time_us "$m" "${offs[m]}" cluster.minority)
    if [[ -z $aside_us ]]; then
      check_fail "$name: node$m never logged cluster.minority"
      continue
    fi
    check_pass
    DRILL_NOTES+=("$name: node$m stepped aside $(((aside_us - cut_us) / 1000)) ms after the cut")
    expect_eq "$name: writes node$m acknowledged after it stepped aside" "" \
      "$(acked_attempts "$name" "$aside_us" "$heal_us" "$m")"
    evictions=$(tail -c "+$((offs[m] + 1))" "$LUNCH_CLUSTER_DIR/node$m.log" | grep -c "event=cluster.evicted" || true)
    if ((evictions <= 1)); then
      check_pass
    else
      check_fail "$name: node$m evicted $evictions times in one partition"
    fi
  done
}

# K random drills on the CHAOS_NODES nodes.
chaos_drills() {
  local c kind nodes=() majority minority victim size i
  local kinds=(cut partition cut-db kill pause split)
  RANDOM=${LUNCH_CHAOS_SEED:-$$}
  echo "chaos seed: ${LUNCH_CHAOS_SEED:-$$}"
  for ((c = 1; c <= CHAOS; c++)); do
    nodes=()
    for ((i = 0; i < CHAOS_NODES; i++)); do nodes+=("$i"); done
    # A random order; the first ones are the victims.
    for ((i = CHAOS_NODES - 1; i > 0; i--)); do
      local j=$((RANDOM % (i + 1))) t
      t=${nodes[i]} nodes[i]=${nodes[j]} nodes[j]=$t
    done
    kind=${kinds[RANDOM % ${#kinds[@]}]}
    size=1
    [[ $kind == split ]] && size=$((1 + RANDOM % ((CHAOS_NODES - 1) / 2)))
    minority=$(IFS=,; echo "${nodes[*]:0:size}")
    majority=$(IFS=,; echo "${nodes[*]:size}")
    victim=node${nodes[0]}
    HEAL=(heal)
    case $kind in
      cut | partition) drill "c$c-$kind" "$majority" "$minority" 3 "$kind" "$victim" ;;
      cut-db) drill "c$c-$kind" "$minority,$majority" "" 6 cut-db "$victim" ;;
      kill)
        HEAL=(up "$CHAOS_NODES")
        drill "c$c-$kind" "$majority" "" 3 kill "$victim"
        ;;
      pause)
        HEAL=(resume "$victim")
        drill "c$c-$kind" "$majority" "" 3 pause "$victim"
        ;;
      split) drill "c$c-$kind" "$majority" "$minority" 3 split "$minority" "$majority" ;;
    esac
  done
  HEAL=(heal)
}

# -----------------------------------------------------------------------------
START_NODES=3
((CHAOS > 0)) && START_NODES=$CHAOS_NODES
section "setup: PostgreSQL on the bridge, $START_NODES nodes in namespaces ($LUNCH_NETNS_NET.0/24)"
"$CLUSTER" up "$START_NODES" >"$WORK/up.log" 2>&1 ||
  fatal "cluster.sh up $START_NODES failed: $(tail -5 "$WORK/up.log")"
echo "$START_NODES" >"$WORK/nodes"
set_phase warm
TOMORROW=$(date -d tomorrow +%F)
ids=()
for ((j = 1; j <= 12; j++)); do
  run ctl_at 0 --json --request-id "host-$j" user create "H$j" --nickname "host $j"
  [[ $RC == 0 ]] || fatal "user create H$j: $(_last_output)"
  run ctl_at 0 --json --request-id "party-$j" party create --host "H$j" \
    --title "party $j" --restaurant r --date "$TOMORROW" --time 12:00 \
    --location l --max 4
  [[ $RC == 0 && $OUT =~ \"party_id\":([0-9]+) ]] || fatal "party create: $(_last_output)"
  ids+=("${BASH_REMATCH[1]}")
done
echo "${ids[*]}" >"$WORK/parties"
for ((k = 0; k < WRITERS; k++)); do
  writer "$k" &
  BG_PIDS+=($!)
done
wait_until 30 acks_grow 10 || fatal "the writers got no acknowledgement within 30 s"

if ((CHAOS > 0)); then
  chaos_drills
else
  drill cut 0,1 2 3 cut node2
  drill partition 0,2 1 3 partition node1
  # node0's shards move once its catalog heartbeat is 3 s old (db_stale).
  drill cut-db 0,1,2 "" 6 cut-db node0

  section "a fourth node joins: cluster.sh up 4"
  "$CLUSTER" up 4 >"$WORK/up4.log" 2>&1 || fatal "cluster.sh up 4 failed: $(tail -5 "$WORK/up4.log")"
  echo 4 >"$WORK/nodes"
  wait_until 30 all_up 4 || fatal "node3 did not join within 30 s"
  # The side of the oldest member (the earliest start among the nodes up;
  # each drill's minority registered again since) keeps the majority.
  run ctl_at 0 --json cluster status
  [[ $RC == 0 ]] || fatal "cluster status: $(_last_output)"
  read -r winners losers < <(json_value "(lambda up: ','.join(n[4:] for n in up[:2]) + ' ' + ','.join(n[4:] for n in up[2:]))([n['name'] for n in sorted((n for n in d['nodes'] if n['state'] == 'up'), key=lambda n: (n['started_at'], n['name']))])")
  echo "oldest first: $winners | $losers"
  drill split "$winners" "$losers" 3 split "$winners" "$losers"
fi

section "the writers stop; PostgreSQL is checked"
touch "$WORK/stop"
for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
BG_PIDS=()
: >"$WORK/db_rows"
for s in 0 1 2 3; do
  "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d "lunch_shard_$s" -c "
    SELECT 'u|' || employee_id FROM users
    UNION ALL SELECT 'm|' || party_id || '|' || employee_id FROM party_members
    UNION ALL SELECT 'p|' || id || '|' || max_members FROM parties
    UNION ALL SELECT 'a|' || employee_id || '|' || points_earned FROM user_activity" \
    >>"$WORK/db_rows" || fatal "reading shard $s failed"
done
LAST_CMD="the writers' acknowledgements and the shard databases"
while IFS=$'\t' read -r what bad; do
  expect_eq "$what" "" "$bad"
done < <(python3 - "$WORK" <<'PY'
import collections, glob, sys
work = sys.argv[1]
acked = [l.split() for f in glob.glob(work + "/acked[0-9]*") for l in open(f)]
rows = [l.strip().split("|") for l in open(work + "/db_rows") if l.strip()]
users = collections.Counter(r[1] for r in rows if r[0] == "u")
members = collections.Counter((r[1], r[2]) for r in rows if r[0] == "m")
parties = {r[1]: int(r[2]) for r in rows if r[0] == "p"}
count = collections.Counter(p for p, _ in members)
points = collections.Counter()
for r in rows:
    if r[0] == "a":
        points[r[1]] += int(r[2])
joined = collections.Counter(u for _, u in members)
print("acknowledged user creates not stored exactly once\t%s" % " ".join(
    "%s:%d" % (a[1], users[a[1]]) for a in acked if a[0] == "create" and users[a[1]] != 1))
print("acknowledged joins not stored exactly once\t%s" % " ".join(
    "%s/%s:%d" % (a[2], a[1], members[(a[2], a[1])]) for a in acked
    if a[0] == "join" and members[(a[2], a[1])] != 1))
print("parties with more members than max_members\t%s" % " ".join(
    "%s:%d/%d" % (p, count[p], mx) for p, mx in parties.items() if count[p] > mx))
# Writers join only (30 each); hosts H1..H12 host one party each (50).
wrong = []
for u in set(users):
    want = 50 if u.startswith("H") else 30 * joined[u]
    if points[u] != want:
        wrong.append("%s:%d/%d" % (u, points[u], want))
print("users whose ledger is not 50 per hosted and 30 per joined party\t%s" % " ".join(sorted(wrong)))
PY
)
# Lease epochs, in the order the catalog recorded them, never went down.
down=$("$PG" psql -X -A -t -q -d lunch_catalog -c "
  SELECT string_agg(shard || ':' || epoch, ' ') FROM (
    SELECT shard, epoch, epoch < max(epoch) OVER (PARTITION BY shard ORDER BY id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS down
    FROM cluster_events WHERE shard IS NOT NULL) x WHERE down")
expect_eq "lease epochs recorded lower than an earlier one of the same shard" "" "$down"

section "figures"
echo "acknowledged writes: $(cat "$WORK"/acked[0-9]* | wc -l); attempts: $(cat "$WORK"/w[0-9]*.log | wc -l)"
echo "rejoin after heal (ms): ${REJOIN_MS[*]}"
printf '%s\n' "${DRILL_NOTES[@]}"
summary
