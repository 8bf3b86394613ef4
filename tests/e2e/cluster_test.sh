#!/usr/bin/env bash
# shellcheck disable=SC2016 # awk programs in single quotes
# End-to-end test of a 3-node cluster (scripts/cluster.sh, 4 shards, one
# shared catalog): status, leases and routing through every node; then,
# under a parallel write workload (user creates, joins to parties of
# max_members 4), the node with two shards killed (-9), another paused
# (SIGSTOP) and resumed, the same one leaving (`cluster leave`), and both
# missing nodes joining again (`cluster.sh up 3`); afterwards PostgreSQL
# itself is checked: every acknowledged write stored exactly once, party
# capacity kept, rows fenced by epochs that only grow, leases = fences,
# and the cluster's event history. Last, bad input. The numbers (takeover
# times, writes, failures) are printed at the end.
#
# It starts its OWN PostgreSQL in a temporary directory and its nodes on
# LUNCH_BASE_PORT..+2 (default: the first of 7710, 7720, ... 7780 with ten
# free ports), so it runs beside anything else.
# Environment: LUNCH_BIN_DIR (default $ROOT/build/bin), LUNCH_BASE_PORT;
# LUNCH_E2E_KEEP=1 keeps the temporary directory (logs) for inspection.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh disable=SC1091
source "$HERE/lib.sh"

# Ten consecutive free ports: three nodes and room for a restart.
e2e_cluster_begin cl 3 10

# The background writers stop at this file; then the shared cleanup.
# shellcheck disable=SC2317 # the EXIT trap
cluster_cleanup() {
  local rc=$?
  # errexit would end the trap at the (exit "$rc") below, nodes running.
  set +e
  touch "$WORK/stop" 2>/dev/null || true
  (exit "$rc")
  e2e_cluster_cleanup
}
trap cluster_cleanup EXIT

# -- nodes ---------------------------------------------------------------------

node_pid() {
  cat "$LUNCH_CLUSTER_DIR/node$1.pid"
}

# Byte offsets of the node logs, for log_of_since.
declare -A LOG_MARKS
mark_logs() {
  local n
  for n in 0 1 2; do
    LOG_MARKS[$n]=$(stat -c %s "$LUNCH_CLUSTER_DIR/node$n.log" 2>/dev/null || echo 0)
  done
}

log_of_since() {
  tail -c "+$((${LOG_MARKS[$1]:-0} + 1))" "$LUNCH_CLUSTER_DIR/node$1.log"
}

# Runs `cluster status` against node $1 and evaluates the Python condition
# $2 on it (d: the document; up: names of the up nodes; owned: name ->
# sorted shards of the up nodes; owners: the lease owners by shard).
status_is() {
  run ctl_at "$1" --json --timeout 3 cluster status
  [[ $RC == 0 ]] && [[ $(json_value "(lambda up, owned, owners: bool($2))(
      sorted(n['name'] for n in d['nodes'] if n['state'] == 'up'),
      {n['name']: sorted(n['shards']) for n in d['nodes'] if n['state'] == 'up'},
      [l['owner'] for l in sorted(d['leases'], key=lambda l: l['shard'])])") == true ]]
}

# Every shard owned by one of the up nodes NAMES (exactly those are up),
# spread evenly (counts differ by at most one).
settled_on() {
  status_is "${M:-0}" "up == sorted('$*'.split()) and sum(len(s) for s in owned.values()) == 4 and max(len(s) for s in owned.values()) - min(len(s) for s in owned.values()) <= 1"
}

expect_settled_on() {
  local limit=$1
  shift
  if wait_until "$limit" settled_on "$@"; then
    check_pass
  else
    check_fail "the cluster did not settle on $* within $limit s" "$(_last_output)"
  fi
}

# A lease in the catalog is not enough: every shard must answer a read
# (user get of KEY_OF[s]; not_found is an answer too) through each node N
# given.
serving_through() {
  local n s
  for n in "$@"; do
    for s in 0 1 2 3; do
      if ! "$BIN/lunchctl" --node "$(addr "$n")" --timeout 2 --json user get \
        "${KEY_OF[$s]}" >"$WORK/serving.out" 2>&1 &&
        ! grep -q '"error":"not_found"' "$WORK/serving.out"; then
        SERVING_GAP="shard $s through node$n: $(head -c 300 "$WORK/serving.out")"
        return 1
      fi
    done
  done
}

expect_serving() { # WHAT NODE...
  local what=$1 t
  shift
  t=$(now_us)
  SERVING_GAP=""
  if wait_until 20 serving_through "$@"; then
    check_pass
    echo "$what: every shard served through nodes $* ($((($(now_us) - t) / 1000)) ms to check)"
  else
    check_fail "$what: not every shard answers a read through nodes $* within 20 s" \
      "last gap: $SERVING_GAP"
  fi
}

# The latest cluster events (JSON list, asked of node M) into
# $WORK/events.json.
save_events() {
  local try t
  for try in 1 2 3; do
    t=$(now_us)
    if ctl_at "$M" --json cluster events --limit 10000 >"$WORK/events.json" 2>"$WORK/events.err"; then
      return 0
    fi
    check_fail "cluster events through node$M failed after $((($(now_us) - t) / 1000)) ms (try $try of 3)" \
      "stdout: $(head -c 300 "$WORK/events.json")" "stderr: $(head -c 300 "$WORK/events.err")"
  done
  fatal "lunchctl cluster events failed three times"
}

max_event_id() {
  run ctl_at "$M" --json cluster events --limit 1
  [[ $RC == 0 && $OUT =~ \"id\":([0-9]+) ]] || fatal "lunchctl cluster events --limit 1: $(_last_output)"
  echo "${BASH_REMATCH[1]}"
}

# Python over the saved events: ev (the list), since (an event id), new
# (the events after it); prints the value of EXPR as JSON.
events_value() {
  python3 - "$WORK/events.json" "$1" "${2:-0}" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
since = int(sys.argv[3])
new = [e for e in ev if e["id"] > since]
print(json.dumps(eval(sys.argv[2]), sort_keys=True))
PY
}

# expect_events SINCE EXPR WANT [EXPR WANT]...: each Python expression on
# the saved events (ev, new as in events_value) must equal the JSON
# literal WANT; one python for them all.
expect_events() {
  local since=$1 n=0 line
  shift
  while IFS=$'\t' read -r -a line; do
    n=$((n + 1))
    if [[ ${line[0]} == ok ]]; then
      check_pass
    else
      check_fail "cluster events after id $since: ${line[1]}" "expected: ${line[2]}" \
        "got:      ${line[3]}"
    fi
  done < <(python3 - "$WORK/events.json" "$since" "$@" <<'PY' 2>&1
import json, sys
ev = json.load(open(sys.argv[1]))
since = int(sys.argv[2])
new = [e for e in ev if e["id"] > since]
args = sys.argv[3:]
canon = lambda x: json.dumps(x, sort_keys=True)
for expr, want in zip(args[0::2], args[1::2]):
    try:
        got = canon(eval(expr))
    except Exception as e:
        got = "(%s: %s)" % (type(e).__name__, e)
    want = canon(json.loads(want))
    print("\t".join(["ok" if got == want else "FAIL", " ".join(expr.split()), want, got]))
PY
  )
  if ((n != $# / 2)); then
    check_fail "cluster events after id $since: $((n)) results for $(($# / 2)) checks (python failed?)"
  fi
}

# "One at a time": in node N's log since the mark, every shard.handoff
# comes only after the catalog recorded the node's previous handoff as
# shard.moved (the catalog's time is the move's start, the log line the
# next stop's start; both UTC, same clock). Needs save_events first.
expect_one_at_a_time() {
  local n=$1 what=$2 got
  log_of_since "$n" >"$WORK/handoffs.log"
  got=$(python3 - "$WORK/events.json" "$WORK/handoffs.log" <<'PY'
import json, re, sys
ev = json.load(open(sys.argv[1]))
moved = {(e["shard"], e["epoch"]): e for e in ev if e["kind"] == "shard.moved"}
hand = []
for line in open(sys.argv[2]):
    m = re.match(r"(\S+) info node=(\S+) event=shard\.handoff shard=(\d+) epoch=(\d+) to=(\S+)", line)
    if m:
        hand.append((m.group(1), int(m.group(3)), int(m.group(4)), m.group(5)))
out = []
for i, (at, shard, epoch, to) in enumerate(hand):
    e = moved.get((shard, epoch + 1))
    if e is None:
        out.append("no shard.moved for shard %d epoch %d" % (shard, epoch + 1))
        continue
    if i + 1 < len(hand) and hand[i + 1][0] < e["at"]:
        out.append("shard %d handed off at %s before shard %d moved at %s"
                   % (hand[i + 1][1], hand[i + 1][0], shard, e["at"]))
print("%d %s" % (len(hand), "; ".join(out) or "ok"))
PY
  )
  HANDOFFS+=("$what: node$n ${got%% *}")
  LAST_CMD="node$n.log, cluster events"
  expect_eq "$what: node$n's handoffs one at a time" ok "${got#* }"
}

# Milliseconds from US (microseconds since the epoch, or a log line's UTC
# time) until the latest catalog event `at` among the events after id
# SINCE that match the Python condition COND on e.
ms_until_event() {
  python3 - "$WORK/events.json" "$1" "$2" "$3" <<'PY'
import datetime, json, sys
ev = json.load(open(sys.argv[1]))
t0, since, cond = sys.argv[2], int(sys.argv[3]), sys.argv[4]
utc = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
    tzinfo=datetime.timezone.utc).timestamp() * 1000
t0 = utc(t0) if "T" in t0 else int(t0) / 1000
ats = [e["at"] for e in ev if e["id"] > since and eval(cond, {"e": e})]
print(int(utc(max(ats)) - t0) if ats else "none")
PY
}

# -- the write workload ----------------------------------------------------------
# WRITERS loops, each creating users W<k>-<i> (unique) and joining each one
# acknowledged to a party of the current pool ($WORK/parties), through the
# nodes listed in $WORK/targets (re-read before every request). Each
# request is one line of $WORK/w<k>.log:
#   START_US END_US OP KEY PARTY NODE RC CODE FATE PHASE_AT_START PHASE_AT_END
# (lunchctl waits 30 s for an answer, so that slow answers show as slow,
# not as timeouts; how slow is information, printed per phase.)
# FATE 1: "node X died before answering" (outcome unknown); 2: lunchctl
# could not connect to the node it was given ("cannot reach node": never
# sent; a starved machine, not the cluster); else 0. Failures other than
# party_full are also in $WORK/errors.log.
WRITERS=${LUNCH_E2E_WRITERS:-3}
set_targets() {
  echo "$*" >"$WORK/targets.new"
  mv "$WORK/targets.new" "$WORK/targets"
  TARGETS_AT=$(now_us)
}
set_phase() {
  echo "$1" >"$WORK/phase.new"
  mv "$WORK/phase.new" "$WORK/phase"
  echo "phase $1 (t=$((($(now_us) - E2E_T0) / 1000)) ms)"
}

writer() {
  set +e
  local k=$1 i=0 t0 t1 p0 p1 out rc code fate target targets parties party
  w_op() { # OP KEY PARTY LUNCHCTL-ARGS...
    local op=$1 key=$2 party=$3
    shift 3
    read -r -a targets <"$WORK/targets"
    target=${targets[$(((k + i) % ${#targets[@]}))]}
    p0=$(<"$WORK/phase")
    t0=$(now_us)
    out=$(timeout 60 "$BIN/lunchctl" --node "$(addr "$target")" --timeout 30 --json "$@" 2>&1)
    rc=$?
    t1=$(now_us)
    p1=$(<"$WORK/phase")
    code=-
    [[ $out =~ \"error\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
    fate=0
    [[ $out == *"died before answering"* ]] && fate=1
    [[ $out == *'"cannot reach node '* ]] && fate=2
    echo "$t0 $t1 $op $key $party $target $rc $code $fate $p0 $p1" >>"$WORK/w$k.log"
    if [[ $rc != 0 && $code != party_full ]]; then
      echo "$p0 $op $key $party node$target rc$rc: $out" >>"$WORK/errors.log"
    fi
    [[ $rc == 0 ]]
  }
  while [[ ! -e $WORK/stop ]]; do
    i=$((i + 1))
    local key="W$k-$i"
    if w_op create "$key" - user create "$key" --nickname "w$k.$i"; then
      read -r -a parties <"$WORK/parties"
      party=${parties[$((RANDOM % ${#parties[@]}))]}
      w_op join "$key" "$party" party join "$party" "$key"
    fi
    sleep 0.05
  done
}

# True when every writer logged a request that started after TARGETS_AT:
# all requests in flight now use the current targets.
writers_past() {
  local k last
  for ((k = 0; k < WRITERS; k++)); do
    last=$(tail -n 1 "$WORK/w$k.log" 2>/dev/null) || return 1
    [[ -n $last ]] && ((${last%% *} > TARGETS_AT)) || return 1
  done
}

# Switch the writers' targets and wait until no request uses the old ones.
retarget() {
  set_targets "$@"
  wait_until 40 writers_past || fatal "the writers did not move to nodes $* within 40 s"
}

# awk over all writer logs.
wlog() {
  cat "$WORK"/w[0-9]*.log | awk "$@"
}

# PHASE N: at least N acknowledged requests started in PHASE.
acked_since() {
  (($(wlog -v p="$1" '$10 == p && $7 == 0' | wc -l) >= $2))
}

# Waits up to 30 s for N acknowledged requests in PHASE (load goes on).
expect_acked() {
  if wait_until 30 acked_since "$1" "$2"; then
    check_pass
  else
    check_fail "fewer than $2 writes acknowledged within 30 s in phase $1"
  fi
}

# A new pool of six parties (max_members 4, hosted by H1..H6) for the
# writers to join, created through node M.
POOL=0
new_party_pool() {
  local j ids=()
  POOL=$((POOL + 1))
  for ((j = 1; j <= 6; j++)); do
    run ctl_at "$M" --json party create --host "H$j" --title "pool $POOL" \
      --restaurant r --date "$TOMORROW" --time 12:00 --location l --max 4
    if [[ $RC != 0 || ! $OUT =~ \"party_id\":([0-9]+) ]]; then
      check_fail "party create for pool $POOL through node$M (the writers keep the last pool)" \
        "$(_last_output)"
      return 0
    fi
    ids+=("${BASH_REMATCH[1]}")
    echo "${BASH_REMATCH[1]}" >>"$WORK/all_parties"
  done
  echo "${ids[*]}" >"$WORK/parties.new"
  mv "$WORK/parties.new" "$WORK/parties"
}

# Requests in (or spanning) phase P that were sent and failed (other than
# party_full; with "died" also those that died with their node):
# "OP:KEY:rcN:CODE ..."
failed_in_phase() {
  wlog -v p="$1" -v died="${2:-}" '($10 == p || $11 == p) && $7 != 0 && $9 != 2 &&
    !($3 == "join" && $7 == 1 && $8 == "party_full") &&
    !(died != "" && $7 == 3 && $8 == "unavailable" && $9 == 1) {
    printf "%s:%s:rc%s:%s ", $3, $4, $7, $8 }'
}

psql_shard() {
  "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d "lunch_shard_$1" -c "$2"
}

psql_catalog() {
  "$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d lunch_catalog -c "$1"
}

# The shards of node $1 in the last OUT (cluster status), as JSON.
shards_of() {
  json_value "[x['shards'] for x in d['nodes'] if x['name'] == 'node$1'][0]"
}

TOMORROW=$(date -d tomorrow +%F)
HANDOFFS=()
UNKNOWN="(not computed)"
EPOCHS=()

# -----------------------------------------------------------------------------
section "setup: private PostgreSQL, cluster.sh up 3 (4 shards, ports $LUNCH_BASE_PORT..$((LUNCH_BASE_PORT + 2)))"
mkdir -p "$LUNCH_CLUSTER_DIR"
up_t=$(now_us)
"$CLUSTER" up 3 >"$WORK/up1.out" 2>&1 || {
  cat "$WORK/up1.out" >&2
  fatal "cluster.sh up 3 failed"
}
echo "cluster.sh up 3 took $((($(now_us) - up_t) / 1000)) ms; pg: $("$PG" dsn)"

# -----------------------------------------------------------------------------
section "1. three nodes: status, leases, routing"
declare -A LEASES
for n in 0 1 2; do
  expect_rc 0 -- ctl_at "$n" --json cluster status
  expect_json '{"answered_by": d["answered_by"],
    "nodes": [[x["name"], x["state"], x["address"], x["reachable"], x["pid"]] for x in d["nodes"]],
    "distinct incarnations": len(set(x["incarnation"] for x in d["nodes"])),
    "lease shards": [l["shard"] for l in d["leases"]],
    "leases owned by up nodes at epoch >= 1": all(l["owner"] in ("node0", "node1", "node2") and l["epoch"] >= 1 for l in d["leases"]),
    "shards of the nodes": sorted(s for x in d["nodes"] for s in x["shards"]),
    "spread": sorted(len(x["shards"]) for x in d["nodes"]),
    "owners list their leases": all(l["shard"] in x["shards"] for l in d["leases"] for x in d["nodes"] if x["name"] == l["owner"])}' \
    "{\"answered_by\": \"node$n\",
      \"nodes\": [[\"node0\", \"up\", \"$(addr 0)\", true, $(node_pid 0)], [\"node1\", \"up\", \"$(addr 1)\", true, $(node_pid 1)], [\"node2\", \"up\", \"$(addr 2)\", true, $(node_pid 2)]],
      \"distinct incarnations\": 3, \"lease shards\": [0, 1, 2, 3],
      \"leases owned by up nodes at epoch >= 1\": true, \"shards of the nodes\": [0, 1, 2, 3],
      \"spread\": [1, 1, 2], \"owners list their leases\": true}"
  LEASES[$n]=$(json_value '[[l["shard"], l["owner"], l["epoch"]] for l in d["leases"]]')
done
expect_eq "the leases as node1 sees them = as node0 sees them" "${LEASES[0]}" "${LEASES[1]}"
expect_eq "the leases as node2 sees them = as node0 sees them" "${LEASES[0]}" "${LEASES[2]}"
# OWNER[s]: the node index owning shard s. The roles of section 2: K (the
# node with two shards) is killed, P (the lower of the others) paused and
# later leaves, M (the third) serves throughout.
read -r -a OWNER <<<"$(json_value '" ".join(l["owner"][4:] for l in d["leases"])')"
read -r K P M <<<"$(json_value '" ".join(str(n) for n in [[n for n in range(3) if len(d["nodes"][n]["shards"]) == 2][0]] + [n for n in range(3) if len(d["nodes"][n]["shards"]) == 1])')"
[[ $K =~ ^[0-2]$ && $P =~ ^[0-2]$ && $M =~ ^[0-2]$ ]] || fatal "no node with two shards: $OUT"
echo "owners by shard: ${OWNER[*]}; killed: node$K, paused and leaving: node$P, serving throughout: node$M"

# One key per shard (asked of all three nodes); every shard answers
# through every node.
KEY_OF=(- - - -) # shard -> a key on it
n_keys=0
for ((i = 1; i <= 200 && n_keys < 4; i++)); do
  run ctl_at $((i % 3)) --json user shard "R$i"
  [[ $RC == 0 && $OUT =~ \"shard\":([0-3]), ]] || fatal "user shard R$i: $(_last_output)"
  s=${BASH_REMATCH[1]}
  if [[ ${KEY_OF[$s]} == - ]]; then
    KEY_OF[s]="R$i"
    n_keys=$((n_keys + 1))
  fi
done
((n_keys == 4)) || fatal "no key for every shard among R1..R200"
expect_serving "after cluster.sh up 3" 0 1 2
# Hosts of the party pools.
for j in 1 2 3 4 5 6; do
  expect_rc 0 -- ctl_at $(((j - 1) % 3)) --json user create "H$j" --nickname "host$j"
done
# Each key is created and updated through nodes that do not own its
# shard, then read through all three: the same answer everywhere.
for s in 0 1 2 3; do
  key=${KEY_OF[$s]} via=$(((OWNER[s] + 1) % 3))
  expect_rc 0 -- ctl_at "$via" --json user create "$key" --nickname "n-$key"
  expect_json '[d["employee_id"], d["shard_id"]]' "[\"$key\", $s]"
  expect_rc 0 -- ctl_at "$(((OWNER[s] + 2) % 3))" --json user update "$key" --email "$key@x"
  expect_json 'd["email"]' "\"$key@x\""
  expect_rc 0 -- ctl_at 0 --json user get "$key"
  first=$OUT
  for n in 1 2; do
    expect_rc 0 -- ctl_at "$n" --json user get "$key"
    expect_eq "user get $key through node$n = through node0" "$first" "$OUT"
  done
  expect_json '[d["nickname"], d["email"], d["shard_id"]]' "[\"n-$key\", \"$key@x\", $s]"
done
# A party hosted on shard 0, joined through all nodes by users of the
# other shards, read through all three.
expect_rc 0 -- ctl_at "$(((OWNER[0] + 1) % 3))" --json party create --host "${KEY_OF[0]}" \
  --title routing --restaurant r --date "$TOMORROW" --time 12:00 --location l --max 4
RP=$(json_value 'd["party_id"]') || fatal "party create printed no party_id: $OUT"
expect_rc 0 -- ctl_at 1 --json party join "$RP" "${KEY_OF[1]}"
expect_rc 0 -- ctl_at 2 --json party join "$RP" "${KEY_OF[2]}"
expect_rc 0 -- ctl_at 0 --json party join "$RP" "${KEY_OF[3]}"
expect_json 'd["current_members"]' '4'
expect_rc 1 -- ctl_at 1 --json party join "$RP" H1
expect_err_code party_full
expect_rc 0 -- ctl_at 0 --json party get "$RP"
first=$OUT
expect_json 'sorted(m["employee_id"] for m in d["members"])' \
  "$(python3 -c 'import json,sys; print(json.dumps(sorted(sys.argv[1:])))' "${KEY_OF[@]}")"
for n in 1 2; do
  expect_rc 0 -- ctl_at "$n" --json party get "$RP"
  expect_eq "party get $RP through node$n = through node0" "$first" "$OUT"
done
expect_rc 1 -- ctl_at 2 --json user get nosuch-user
expect_err_code not_found

# -----------------------------------------------------------------------------
section "2a. kill -9 node$K under a write workload through node$P and node$M"
: >"$WORK/all_parties"
new_party_pool
set_phase warm
set_targets "$P" "$M"
for ((k = 0; k < WRITERS; k++)); do
  : >"$WORK/w$k.log"
  writer "$k" &
  BG_PIDS+=($!)
done
wait_until 30 acked_since warm 10 || fatal "the writers got fewer than 10 writes acknowledged in 30 s"
run ctl_at "$M" --json cluster status
K_SHARDS=$(shards_of "$K")
ev0=$(max_event_id)
new_party_pool
set_phase kill
mark_logs
kill_t=$(now_us)
"$CLUSTER" kill "node$K" >/dev/null
taken_over() {
  status_is "$M" "'node$K' not in owners and sum(len(s) for s in owned.values()) == 4"
}
if wait_until 30 taken_over; then
  check_pass
else
  check_fail "node$K's shards $K_SHARDS not taken over within 30 s" "$(_last_output)"
fi
kill_seen_ms=$((($(now_us) - kill_t) / 1000))
expect_settled_on 30 "node$P" "node$M"
expect_json '[[x["state"], x["reachable"]] for x in d["nodes"] if x["name"] == "node'"$K"'"]' '[["down", false]]'
expect_serving "after the kill" "$P" "$M"
expect_acked kill 10
save_events
kill_catalog_ms=$(ms_until_event "$kill_t" "$ev0" 'e["kind"] == "shard.acquired"')
# When the survivors noticed: the first cluster.peer_lost of node K.
lost_at=$( (log_of_since "$P" && log_of_since "$M") | grep -F "event=cluster.peer_lost peer=node$K " |
  cut -d' ' -f1 | sort | head -n 1)
noticed_ms=none
[[ -z $lost_at ]] || noticed_ms=$(ms_until_event "$lost_at" "$ev0" 'e["kind"] == "shard.acquired"')
TAKEOVER_KILL="kill -9: node$K's shards $K_SHARDS had new owners in the catalog $kill_catalog_ms ms after 'cluster.sh kill' began, $noticed_ms ms after a survivor logged peer_lost; seen in cluster status after $kill_seen_ms ms"
echo "$TAKEOVER_KILL"
expect_events "$ev0" \
  '[[e["node"] in ("node'"$P"'", "node'"$M"'"), e["detail"] == "node'"$K"' is unreachable (declared down by %s)" % e["node"]] for e in new if e["kind"] == "node.down"]' '[[true, true]]' \
  'sorted(e["shard"] for e in new if e["kind"] == "shard.acquired")' "$K_SHARDS" \
  'all(e["detail"].endswith(" from node'"$K"' (gone)") for e in new if e["kind"] == "shard.acquired")' 'true' \
  '[e["kind"] for e in new if e["kind"] not in ("shard.acquired", "node.down", "scheduler.acquired")]' '[]'

# -----------------------------------------------------------------------------
section "2b. SIGSTOP node$P under load (writes through node$M), then SIGCONT"
retarget "$M"
run ctl_at "$M" --json cluster status
P_SHARDS=$(shards_of "$P")
P_PID=$(node_pid "$P")
ev1=$(max_event_id)
new_party_pool
set_phase pause
mark_logs
pause_t=$(now_us)
"$CLUSTER" pause "node$P" >/dev/null
all_on_m() {
  status_is "$M" "owners == ['node$M'] * 4 and up == ['node$M']"
}
if wait_until 30 all_on_m; then
  check_pass
else
  check_fail "node$M did not take over paused node$P's shards $P_SHARDS within 30 s" "$(_last_output)"
fi
pause_seen_ms=$((($(now_us) - pause_t) / 1000))
expect_serving "while node$P is paused" "$M"
expect_acked pause 10
save_events
pause_catalog_ms=$(ms_until_event "$pause_t" "$ev1" 'e["kind"] == "shard.acquired"')
TAKEOVER_PAUSE="SIGSTOP: node$P's shards $P_SHARDS had new owners in the catalog $pause_catalog_ms ms after 'cluster.sh pause' began; seen in cluster status after $pause_seen_ms ms"
echo "$TAKEOVER_PAUSE"
expect_events "$ev1" \
  '[[e["node"], e["detail"]] for e in new if e["kind"] == "node.down"]' \
  '[["node'"$M"'", "node'"$P"' is unreachable (declared down by node'"$M"')"]]' \
  'sorted(e["shard"] for e in new if e["kind"] == "shard.acquired")' "$P_SHARDS" \
  '[e["kind"] for e in new if e["kind"] not in ("shard.acquired", "node.down", "scheduler.acquired")]' '[]'
ev2=$(max_event_id)
set_phase resume
mark_logs
resume_t=$(now_us)
"$CLUSTER" resume "node$P" >/dev/null
expect_settled_on 30 "node$P" "node$M"
echo "resume: node$P had its fair share back after $((($(now_us) - resume_t) / 1000)) ms"
expect_json '[[x["pid"], x["reachable"]] for x in d["nodes"] if x["name"] == "node'"$P"'"]' "[[$P_PID, true]]"
R_SHARDS=$(shards_of "$P")
LAST_CMD="node$P.log since the resume"
expect_contains "event=cluster.evicted catalog_state=down" "$(log_of_since "$P")" "node$P.log"
expect_serving "after the resume" "$P" "$M"
save_events
expect_events "$ev2" \
  '[[e["kind"], e["node"]] for e in new if e["kind"].startswith("node.")]' '[["node.up", "node'"$P"'"]]' \
  'sorted([e["kind"], e["shard"], e["node"], e["detail"]] for e in new if e["kind"].startswith("shard."))' \
  "$(python3 -c 'import json,sys; print(json.dumps(sorted(["shard.moved", s, "node" + sys.argv[2], "node%s hands shard %d to node%s" % (sys.argv[2], s, sys.argv[3])] for s in json.loads(sys.argv[1]))))' "$R_SHARDS" "$M" "$P")"
expect_one_at_a_time "$M" "resume of node$P"
retarget "$P" "$M"
set_phase resumed
expect_acked resumed 5

# -----------------------------------------------------------------------------
section "2c. cluster leave node$P (asked of node$M) under load through node$M"
retarget "$M"
run ctl_at "$M" --json cluster status
L_SHARDS=$(shards_of "$P")
n_l_shards=$(json_value "[len(x['shards']) for x in d['nodes'] if x['name'] == 'node$P'][0]")
L_PID=$(node_pid "$P")
ev4=$(max_event_id)
new_party_pool
set_phase leave
mark_logs
leave_t=$(now_us)
expect_rc 0 -- ctl_at "$M" --json cluster leave "node$P"
expect_json 'd' "{\"message\": \"node$P is handing off its $n_l_shards shard(s) and stops when done\"}"
leaver_gone() {
  ! proc_alive "$L_PID" lunchd
}
if wait_until 30 leaver_gone; then
  check_pass
else
  check_fail "node$P still running 30 s after cluster leave"
fi
leave_ms=$((($(now_us) - leave_t) / 1000))
echo "leave: node$P handed off shards $L_SHARDS and exited after $leave_ms ms"
# The leaver is not our child (cluster.sh started it): its exit status
# shows if it lingers as a zombie (field 52 of /proc/PID/stat), and always
# in its log: lunchd exits 0 exactly when it logs node.stopped without
# node.gave_up (and without node.shutdown_timeout, which exits 1).
if stat=$(cat "/proc/$L_PID/stat" 2>/dev/null) && [[ ${stat##*) } == Z* ]]; then
  read -r -a f <<<"${stat##*) }"
  expect_eq "exit status of node$P after cluster leave (zombie, wait status)" 0 "${f[49]}"
fi
LAST_CMD="node$P.log since the leave"
expect_eq "node$P's last events after the leave" \
  "cluster.leaving cluster.left node.stopping node.stopped" \
  "$(log_of_since "$P" | grep -oE 'event=(cluster\.(leaving|left)|node\.(stopping|stopped|gave_up|shutdown_timeout))' | sed 's/event=//' | paste -sd' ')"
expect_settled_on 30 "node$M"
expect_json '[[x["name"], x["state"]] for x in d["nodes"]]' \
  "$(python3 -c 'import json,sys; st = {sys.argv[1]: "down", sys.argv[2]: "left", sys.argv[3]: "up"}; print(json.dumps([["node" + n, st[n]] for n in "012"]))' "$K" "$P" "$M")"
expect_serving "after the leave" "$M"
save_events
expect_events "$ev4" \
  '[[e["kind"], e["node"]] for e in new if e["kind"].startswith("node.")]' \
  '[["node.leaving", "node'"$P"'"], ["node.left", "node'"$P"'"]]' \
  'sorted([e["kind"], e["shard"], e["node"], e["detail"]] for e in new if e["kind"].startswith("shard."))' \
  "$(python3 -c 'import json,sys; print(json.dumps(sorted(["shard.moved", s, "node" + sys.argv[2], "node%s hands shard %d to node%s" % (sys.argv[2], s, sys.argv[3])] for s in json.loads(sys.argv[1]))))' "$L_SHARDS" "$P" "$M")" \
  'max(e["id"] for e in new if e["kind"] == "shard.moved") < [e["id"] for e in new if e["kind"] == "node.left"][0]' 'true'
expect_one_at_a_time "$P" "leave of node$P"
set_phase after-leave
expect_acked after-leave 5

# -----------------------------------------------------------------------------
section "2d. cluster.sh up 3 restarts node$K and node$P: they join under load through node$M"
ev5=$(max_event_id)
new_party_pool
set_phase join
mark_logs
join_t=$(now_us)
expect_rc 0 -- "$CLUSTER" up 3
expect_contains "node$M already running" "$OUT" "cluster.sh up output"
expect_contains "node$K up (pid" "$OUT" "cluster.sh up output"
expect_contains "node$P up (pid" "$OUT" "cluster.sh up output"
echo "join: cluster.sh up 3 returned after $((($(now_us) - join_t) / 1000)) ms"
expect_settled_on 30 node0 node1 node2
expect_json '[[x["state"], x["pid"]] for x in d["nodes"]]' \
  "[[\"up\", $(node_pid 0)], [\"up\", $(node_pid 1)], [\"up\", $(node_pid 2)]]"
expect_json 'sorted(len(x["shards"]) for x in d["nodes"])' '[1, 1, 2]'
J_NEW=$(json_value "sorted(s for x in d['nodes'] if x['name'] != 'node$M' for s in x['shards'])")
expect_serving "after the joins" 0 1 2
save_events
expect_events "$ev5" \
  '[[e["kind"], e["node"]] for e in new if e["kind"].startswith("node.")]' \
  "$(python3 -c 'import json,sys; print(json.dumps([["node.up", "node" + n] for n in sorted(sys.argv[1:])]))' "$K" "$P")" \
  '[e["kind"] for e in new if e["kind"].startswith("shard.") and e["kind"] != "shard.moved"]' '[]' \
  'sorted(set(e["shard"] for e in new if e["kind"] == "shard.moved"))' "$J_NEW" \
  '[e["detail"] for e in new if e["kind"] == "shard.moved" and e["detail"].endswith(" to node'"$M"'")]' '[]'
for n in 0 1 2; do
  expect_one_at_a_time "$n" "joins of node$K and node$P"
done
retarget 0 1 2
set_phase end
expect_acked end 5
touch "$WORK/stop"
wait "${BG_PIDS[@]}" || true
BG_PIDS=()

# -- what the writers saw ---------------------------------------------------------
PHASES=(warm kill pause resume resumed leave after-leave join end)
n_req=$(wlog 'END {print NR}')
n_create=$(wlog '$3 == "create"' | wc -l)
n_create_ok=$(wlog '$3 == "create" && $7 == 0' | wc -l)
n_join=$(wlog '$3 == "join"' | wc -l)
n_join_ok=$(wlog '$3 == "join" && $7 == 0' | wc -l)
n_full=$(wlog '$3 == "join" && $7 == 1 && $8 == "party_full"' | wc -l)
n_died=$(wlog '$9 == 1' | wc -l)
n_unsent=$(wlog '$9 == 2' | wc -l)
WRITES="writers: $n_req requests: $n_create user creates ($n_create_ok acknowledged), $n_join joins ($n_join_ok acknowledged, $n_full party_full)"
DIED="failed with 'node X died before answering' (outcome unknown): $n_died (kill: $(wlog '$10 == "kill" && $9 == 1' | wc -l), pause: $(wlog '$10 == "pause" && $9 == 1' | wc -l)); not sent (lunchctl could not connect to a live node): $n_unsent"
echo "$WRITES"
echo "$DIED"
PHASE_TABLE=$(for p in "${PHASES[@]}"; do
  wlog -v p="$p" 'BEGIN {n = 0; ok = 0; max = 0}
    $10 == p {n++; if ($7 == 0) ok++; if ($2 - $1 > max) max = $2 - $1}
    END {printf "  phase %-12s %4d requests, %4d acknowledged, slowest %5d ms\n", p, n, ok, max / 1000}'
done)
echo "$PHASE_TABLE"
LAST_CMD="the writers' requests ($WORK/w*.log)"
expect_eq "requests with an exit code other than 0, 1 (party_full) and 3 (unavailable)" "" \
  "$(wlog '!($9 == 2 || $7 == 0 || ($7 == 1 && $8 == "party_full") || ($7 == 3 && $8 == "unavailable")) {printf "%s:%s:rc%s:%s ", $3, $4, $7, $8}')"
# How long the answers took is information (the slowest of each phase
# above); a request that got none shows as rc 3 timeout or 124 above.
for p in warm kill pause; do
  expect_eq "failed requests in phase $p other than 'died before answering'" "" "$(failed_in_phase "$p" died)"
done
for p in resume resumed leave after-leave join end; do
  expect_eq "failed requests in phase $p" "" "$(failed_in_phase "$p")"
done

# -----------------------------------------------------------------------------
section "3. PostgreSQL after it all"
# Fences are written by the owners as they start: wait for the last move.
leases_and_fences() {
  psql_catalog "SELECT string_agg(owner || ' ' || epoch, ',' ORDER BY shard) FROM shard_leases"
  local s
  for s in 0 1 2 3; do
    psql_shard "$s" "SELECT owner || ' ' || epoch FROM shard_fence"
  done | paste -sd,
}
fences_match() {
  local x
  x=$(leases_and_fences)
  [[ ${x%%$'\n'*} == "${x#*$'\n'}" ]]
}
wait_until 30 fences_match || true
x=$(leases_and_fences)
LAST_CMD="psql"
expect_eq "the shard_fence (owner epoch) of each shard = its catalog lease" "${x%%$'\n'*}" "${x#*$'\n'}"
run ctl_at "$M" --json cluster status
expect_json '",".join("%s %d" % (l["owner"], l["epoch"]) for l in d["leases"])' "\"${x%%$'\n'*}\""
# Every row of the shard databases, for the checks below (u|ID, m|PARTY|
# USER, p|PARTY|MAX), and the fence and epoch facts of each shard.
: >"$WORK/db_rows"
for s in 0 1 2 3; do
  psql_shard "$s" "SELECT 'u|' || employee_id FROM users
    UNION ALL SELECT 'm|' || party_id || '|' || employee_id FROM party_members
    UNION ALL SELECT 'p|' || id || '|' || max_members FROM parties" >>"$WORK/db_rows"
done
check_results=$(python3 - "$WORK" <<'PY' 2>&1
import collections, glob, sys
work = sys.argv[1]
reqs = [l.split() for f in glob.glob(work + "/w[0-9]*.log") for l in open(f)]
rows = [l.strip().split("|") for l in open(work + "/db_rows") if l.strip()]
users = collections.Counter(r[1] for r in rows if r[0] == "u")
members = collections.Counter((r[1], r[2]) for r in rows if r[0] == "m")
parties = {r[1]: int(r[2]) for r in rows if r[0] == "p"}
count = collections.Counter(p for p, _ in members)
pool = [l.strip() for l in open(work + "/all_parties")]
made = set(r[3] for r in reqs if r[2] == "create")
asked = set((r[4], r[3]) for r in reqs if r[2] == "join")
full = set(r[4] for r in reqs if r[2] == "join" and r[7] == "party_full")
checks = [
  ("acknowledged user creates not stored exactly once (all shards together)",
   ["%s:%d" % (r[3], users[r[3]]) for r in reqs if r[2] == "create" and r[6] == "0" and users[r[3]] != 1]),
  ("stored W-users that no request created",
   [u for u in users if u.startswith("W") and u not in made]),
  ("acknowledged joins not stored exactly once as a party_members row",
   ["%s/%s:%d" % (r[4], r[3], members[(r[4], r[3])]) for r in reqs if r[2] == "join" and r[6] == "0" and members[(r[4], r[3])] != 1]),
  ("joins answered party_full that are stored anyway",
   ["%s/%s" % (r[4], r[3]) for r in reqs if r[2] == "join" and r[7] == "party_full" and members[(r[4], r[3])] != 0]),
  ("member rows of W-users that no join asked for",
   ["%s/%s" % m for m in members if m[1].startswith("W") and m not in asked]),
  ("parties with more members than max_members",
   ["%s:%d/%d" % (p, count[p], mx) for p, mx in parties.items() if count[p] > mx]),
  ("pool parties that answered party_full but have not 4 member rows",
   ["%s:%d" % (p, count[p]) for p in pool if p in full and count[p] != 4]),
  ("member rows of parties that do not exist",
   ["%s/%s" % m for m in members if m[0] not in parties]),
]
for what, bad in checks:
    print("%s\t%s" % (what, " ".join(bad)))
died = [r for r in reqs if r[8] == "1"]
applied = [r for r in died if (users[r[3]] if r[2] == "create" else members[(r[4], r[3])])]
print("unknown outcomes\t%d of %d" % (len(applied), len(died)))
PY
)
n_checks=0
while IFS=$'\t' read -r what bad; do
  if [[ $what == "unknown outcomes" ]]; then
    UNKNOWN="writes that failed with 'died before answering' but were applied: $bad"
    echo "$UNKNOWN"
    continue
  fi
  n_checks=$((n_checks + 1))
  LAST_CMD="the writers' logs and the shard databases"
  expect_eq "$what" "" "$bad"
done <<<"$check_results"
((n_checks == 8)) || check_fail "the checks of the stored rows did not run" "$check_results"
# Party state as the entities have it = as PostgreSQL has it.
mism=()
while read -r p; do
  run ctl_at $((p % 3)) --json party get "$p"
  want=$(grep -c "^m|$p|" "$WORK/db_rows" || true)
  got=rc$RC
  [[ $RC == 0 && $OUT =~ \"current_members\":([0-9]+) ]] && got=${BASH_REMATCH[1]}
  [[ $got == "$want" ]] || mism+=("$p:$got/$want")
done <"$WORK/all_parties"
expect_eq "pool parties whose party get current_members differs from their party_members rows" "" "${mism[*]}"
# Epochs: rows written by the owners in lease order, never past the fence,
# every one by an epoch the shard had.
save_events
for s in 0 1 2 3; do
  IFS='|' read -r fence ua_down pm_down ua_bad pm_bad p_bad rl_bad epochs n_ua n_rl <<<"$(psql_shard "$s" "
    SELECT f.epoch,
      (SELECT count(*) FROM (SELECT epoch < lag(epoch) OVER (ORDER BY id) AS down FROM user_activity) x WHERE down),
      (SELECT count(*) FROM (SELECT epoch < lag(epoch) OVER (ORDER BY seq) AS down FROM party_members) x WHERE down),
      (SELECT count(*) FROM user_activity WHERE epoch < 1 OR epoch > f.epoch),
      (SELECT count(*) FROM party_members WHERE epoch < 1 OR epoch > f.epoch),
      (SELECT count(*) FROM parties WHERE epoch < 1 OR epoch > f.epoch),
      (SELECT count(*) FROM request_log WHERE epoch < 1 OR epoch > f.epoch),
      (SELECT coalesce(json_agg(DISTINCT epoch ORDER BY epoch), '[]') FROM (SELECT epoch FROM user_activity
         UNION SELECT epoch FROM party_members UNION SELECT epoch FROM parties) x),
      (SELECT count(*) FROM user_activity), (SELECT count(*) FROM request_log)
    FROM shard_fence f")"
  LAST_CMD="psql lunch_shard_$s"
  expect_eq "shard $s: [user_activity rows (by id), party_members rows (by seq)] whose epoch is below the one before" \
    "0 0" "$ua_down $pm_down"
  expect_eq "shard $s: [user_activity, party_members, parties, request_log] rows with epoch 0 or above the fence ($fence)" \
    "0 0 0 0" "$ua_bad $pm_bad $p_bad $rl_bad"
  EPOCHS[s]=$epochs
  echo "shard $s: fence epoch $fence; $n_ua user_activity rows, $n_rl request_log rows; row epochs $epochs"
done
# The event history.
epoch_checks=()
for s in 0 1 2 3; do
  epoch_checks+=("sorted(set(${EPOCHS[s]}) - set(e['epoch'] for e in ev if e['shard'] == $s and e['kind'] in ('shard.acquired', 'shard.moved')))" '[]')
done
expect_events 0 \
  'len(ev) < 10000' 'true' \
  "${epoch_checks[@]}" \
  '[e["detail"].split(" ")[0] for e in ev if e["kind"] == "node.down"]' "[\"node$K\", \"node$P\"]" \
  '[[e["kind"], e["node"]] for e in ev if e["kind"] in ("node.leaving", "node.left")]' \
  "[[\"node.leaving\", \"node$P\"], [\"node.left\", \"node$P\"]]" \
  'sorted(set(e["kind"] for e in ev))' \
  '["node.down", "node.leaving", "node.left", "node.up", "scheduler.acquired", "shard.acquired", "shard.moved"]' \
  '[s for s in range(4) if [e["epoch"] for e in ev if e["shard"] == s] != list(range(1, 1 + len([e for e in ev if e["shard"] == s])))]' '[]' \
  '[e["id"] for e in ev if e["kind"].startswith("shard.") != (e["shard"] is not None and e["epoch"] is not None)]' '[]'
run ctl_at "$K" --json cluster status
expect_json '[l["epoch"] for l in d["leases"]]' \
  "$(events_value '[max(e["epoch"] for e in ev if e["shard"] == s) for s in range(4)]' 0)"
LEASE_EPOCHS=$(json_value '[l["epoch"] for l in d["leases"]]')
echo "lease epochs now: $LEASE_EPOCHS"

# -----------------------------------------------------------------------------
section "4. bad input"
expect_rc 1 -- ctl_at 0 --json cluster leave nosuch
expect_err_code not_found
expect_json 'd["message"]' '"no live node named nosuch (see lunchctl cluster status)"'
expect_rc 1 -- ctl_at 1 cluster leave nosuch
expect_contains "error: not_found: no live node named nosuch" "$ERR" stderr
expect_rc 2 -- ctl_at 0 cluster events --limit 0
expect_rc 2 -- ctl_at 0 cluster events --limit 10001
expect_rc 2 -- ctl_at 0 cluster events --limit x
expect_rc 2 -- ctl_at 0 cluster leave
expect_rc 2 -- ctl_at 0 cluster
expect_rc 0 -- ctl_at 1 --json cluster events --limit 3
expect_json '[e["id"] for e in d]' "$(events_value '[e["id"] for e in ev[-3:]]' 0)"
# Configs for a fourth node, node9, from node0's with the Python
# statement $1 on c, into $2.
n9() {
  python3 - "$LUNCH_CLUSTER_DIR/node0.json" "$1" "$2" "$((LUNCH_BASE_PORT + 9))" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["node"] = "node9"
c["listen"]["port"] = int(sys.argv[4])
c["cluster"] = {"seeds": ["127.0.0.1:%d" % (int(sys.argv[4]) - 9)]}
exec(sys.argv[2])
json.dump(c, open(sys.argv[3], "w"), indent=1)
PY
}
# The settings the running cluster agreed on (its nodes run the defaults).
HB=$(psql_catalog "SELECT value FROM cluster_info WHERE key = 'heartbeat_ms'")
HBT=$(psql_catalog "SELECT value FROM cluster_info WHERE key = 'heartbeat_timeout_ms'")
[[ $HB =~ ^[0-9]+$ && $HBT =~ ^[0-9]+$ ]] || fatal "no heartbeat settings in the catalog's cluster_info: '$HB' '$HBT'"
echo "the cluster's heartbeat settings: every $HB ms, dead after $HBT ms"
n9 "c['cluster']['heartbeat_ms'] = $((HB + 50))" "$WORK/n9-hb.json"
expect_rc 2 -- timeout 30 "$BIN/lunchd" --config "$WORK/n9-hb.json"
expect_eq "stderr of lunchd with cluster.heartbeat_ms $((HB + 50))" \
  "lunchd: cluster.heartbeat_ms: $((HB + 50)) differs from the cluster's $HB (every node must use the same heartbeat settings)" \
  "$ERR"
expect_rc 2 -- timeout 30 "$BIN/lunchd" --check --config "$WORK/n9-hb.json"
expect_contains "lunchd: cluster.heartbeat_ms: $((HB + 50)) differs" "$ERR" stderr
n9 "c['cluster']['heartbeat_timeout_ms'] = $((HBT + 500))" "$WORK/n9-hbt.json"
expect_rc 2 -- timeout 30 "$BIN/lunchd" --config "$WORK/n9-hbt.json"
expect_contains "lunchd: cluster.heartbeat_timeout_ms: $((HBT + 500)) differs from the cluster's $HBT" "$ERR" stderr
n9 "c['cluster']['heartbeat_ms'] = $HB; c['cluster']['heartbeat_timeout_ms'] = $HBT" "$WORK/n9-ok.json"
expect_rc 0 -- timeout 30 "$BIN/lunchd" --check --config "$WORK/n9-ok.json"
n9 'c["cluster"]["heartbeet_ms"] = 200' "$WORK/n9-key.json"
expect_rc 2 -- timeout 30 "$BIN/lunchd" --config "$WORK/n9-key.json"
expect_contains "cluster.heartbeet_ms: unknown key" "$ERR" stderr
n9 "c['cluster']['heartbeat_timeout_ms'] = $((2 * HB))" "$WORK/n9-short.json"
expect_rc 2 -- timeout 30 "$BIN/lunchd" --config "$WORK/n9-short.json"
expect_contains "cluster.heartbeat_timeout_ms: must be at least 3 heartbeats ($((3 * HB)) ms)" "$ERR" stderr
n9 'c["cluster"]["shards"] = [4]' "$WORK/n9-shards.json"
expect_rc 2 -- timeout 30 "$BIN/lunchd" --config "$WORK/n9-shards.json"
expect_contains "cluster.shards[0]" "$ERR" stderr
# None of them joined, and the cluster did not notice.
expect_settled_on 30 node0 node1 node2
expect_json '[x["name"] for x in d["nodes"]]' '["node0", "node1", "node2"]'
expect_rc 0 -- ctl_at 0 --json cluster events --limit 10000
expect_json '[e["id"] for e in d if "node9" in e["node"] + e["detail"]]' '[]'
expect_json 'd[-1]["id"]' "$(events_value 'ev[-1]["id"]' 0)"

# -----------------------------------------------------------------------------
section "numbers"
echo "$TAKEOVER_KILL"
echo "$TAKEOVER_PAUSE"
echo "$WRITES"
echo "$DIED"
echo "$PHASE_TABLE"
echo "$UNKNOWN"
printf 'handoffs: %s\n' "${HANDOFFS[@]}"
echo "lease epochs: $LEASE_EPOCHS"
echo "runtime: $((($(now_us) - E2E_T0) / 1000)) ms"
summary
