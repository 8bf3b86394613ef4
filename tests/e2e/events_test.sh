#!/usr/bin/env bash
# End-to-end test of the domain events (the shard outboxes and their relays)
# on a 2-node cluster (scripts/cluster.sh, 4 shards, fault injection on):
#   1. S5/S7 notifications: a party create invites its initial member and
#      announces the host's 50 points; a join tells the host; S19 on them
#      (read-all, clear-read);
#   2. a node killed between the commit and the delivery: the relay of the
#      party's shard holds its deliveries (debug crash events/N
#      --every-message), the party is created and acknowledged, the node is
#      killed (-9); the survivor takes the shard over and delivers the
#      invitation exactly once; after the killed node rejoins (and shards
#      move back) still exactly once.
# (recommend_test.sh checks that the recommenders learn of every change
# through the same events.)
#
# It starts its OWN PostgreSQL in a temporary directory and its nodes on
# LUNCH_BASE_PORT..+1 (default: free ports).
# Environment: LUNCH_BIN_DIR (default $ROOT/build/bin), LUNCH_BASE_PORT;
# LUNCH_E2E_KEEP=1 keeps the temporary directory (logs) for inspection.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh disable=SC1091
source "$HERE/lib.sh"

e2e_cluster_begin ev 2
export LUNCH_FAULT_INJECTION=1

# The node (0 or 1) holding the lease of shard $1, asked of node $2.
owner_of_shard() {
  ctl_at "$2" --json cluster status | python3 -c '
import json, sys
d = json.load(sys.stdin)
owner = [l["owner"] for l in d["leases"] if l["shard"] == int(sys.argv[1])][0]
print(owner.replace("node", ""))' "$1"
}

# The notifications of USER of type TYPE, through node N: "count unread".
count_of() { # N USER TYPE
  ctl_at "$1" --json --timeout 3 notify list "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
xs = [n for n in d["notifications"] if n["type"] == sys.argv[1]]
print(len(xs), sum(1 for n in xs if not n["is_read"]))' "$3"
}

# Waits up to $1 s until count_of N USER TYPE prints WANT.
expect_count() { # LIMIT N USER TYPE WANT WHAT
  local limit=$1 n=$2 user=$3 type=$4 want=$5 what=$6 got=""
  local t0
  t0=$(now_us)
  count_is() {
    got=$(count_of "$n" "$user" "$type" 2>&1) && [[ $got == "$want" ]]
  }
  if wait_until "$limit" count_is; then
    check_pass
    echo "$what: $want after $((($(now_us) - t0) / 1000)) ms"
  else
    check_fail "$what: $type of user $user is '$got', not '$want' within $limit s"
  fi
}

# -----------------------------------------------------------------------------
section "setup: PostgreSQL, 2 nodes, the seed users"
"$CLUSTER" up 2 >"$WORK/up.log" 2>&1 || fatal "cluster.sh up 2 failed: $(tail -5 "$WORK/up.log")"
expect_rc 0 -- ctl_at 0 user import "$ROOT/config/seed-users.json"
TOMORROW=$(date -d tomorrow +%F)
party_args=(--title "금요 점심" --restaurant 지구마을 --date "$TOMORROW" --time 12:00
  --location "1층 로비")

# -----------------------------------------------------------------------------
section "1. S5, S7, S19: invitations, joins and points become notifications"
expect_rc 0 -- ctl_at 0 --json party create --host 1 "${party_args[@]}" --max 3 --members 2
P=$(json_value 'd["party_id"]') || fatal "party create printed no party_id: $OUT"
expect_count 20 1 2 party_invite "1 1" "S5: user 2 invited"
expect_count 20 0 1 points_earned "1 1" "S5: user 1 told of 50 points"
expect_rc 0 -- ctl_at 1 --json notify list 2
expect_json '[(n["type"], n["icon"], n["title"], n["related_id"], n["related_type"]) for n in d["notifications"]]' \
  "[[\"party_invite\", \"🎉\", \"🎉 파티 초대\", $P, \"party\"]]"
# The table draws the icon once (the title already begins with it).
expect_rc 0 -- ctl_at 1 notify list 2
expect_contains "party_invite  🎉 파티 초대: " "$OUT"
expect_rc 0 -- ctl_at 1 --json party join "$P" 3
expect_count 20 0 1 party_join "1 1" "S7: the host told of the join"
# 30 points are below 50: no points_earned for user 3.
expect_count 1 0 3 points_earned "0 0" "S7: no notification of 30 points"
expect_rc 0 -- ctl_at 0 --json notify list 2
expect_json 'd["unread_count"] >= 1' 'true'
expect_rc 0 -- ctl_at 0 --json notify read-all 2
expect_rc 0 -- ctl_at 0 --json notify list 2
expect_json 'd["unread_count"]' '0'
expect_rc 0 -- ctl_at 0 --json notify clear-read 2
expect_rc 0 -- ctl_at 0 --json notify list 2
expect_json 'd["notifications"]' '[]'

# -----------------------------------------------------------------------------
section "2. the node dies between the commit and the delivery"
expect_rc 0 -- ctl_at 0 --json user shard 4
SHARD=$(json_value 'd["shard"]') || fatal "user shard 4 printed no shard: $OUT"
VICTIM=$(owner_of_shard "$SHARD" 0)
SURVIVOR=$((1 - VICTIM))
echo "shard of host 4: $SHARD, owned by node$VICTIM; node$SURVIVOR survives"
expect_rc 0 -- ctl_at "$VICTIM" debug crash "events/$SHARD" --every-message
expect_eq "output of debug crash events/$SHARD" "events/$SHARD now holds its deliveries" "$OUT"
expect_rc 0 -- ctl_at "$SURVIVOR" --json party create --host 4 "${party_args[@]}" --max 4 --members 5,6
Q=$(json_value 'd["party_id"]') || fatal "party create printed no party_id: $OUT"
# Held: nothing arrives while the node lives (the relay polls every 0.5 s).
# The sleep only lets time pass for an invitation that must not come: a
# slow machine can make this check miss one, never fail.
sleep 1.5
expect_count 1 "$SURVIVOR" 5 party_invite "0 0" "held relay: no invitation yet"
T_KILL=$(now_us)
"$CLUSTER" kill "node$VICTIM" >/dev/null
expect_count 30 "$SURVIVOR" 5 party_invite "1 1" "after kill -9 of node$VICTIM: user 5 invited by the survivor"
echo "kill -9 to the invitation on the survivor: $((($(now_us) - T_KILL) / 1000)) ms"
expect_count 20 "$SURVIVOR" 6 party_invite "1 1" "after kill -9: user 6 invited"
expect_count 20 "$SURVIVOR" 4 points_earned "1 1" "after kill -9: host 4 told of 50 points"
expect_rc 0 -- ctl_at "$SURVIVOR" --json notify list 5
expect_json '[n["related_id"] for n in d["notifications"] if n["type"] == "party_invite"]' "[$Q]"
# The killed node comes back and may take its shards back: its relay starts
# from the saved cursors; a repeat delivery inserts nothing.
"$CLUSTER" up 2 >"$WORK/up2.log" 2>&1 || fatal "cluster.sh up 2 (rejoin) failed: $(tail -5 "$WORK/up2.log")"
# Both nodes up with two shards each: the rejoined node's relays run.
rebalanced() {
  run ctl_at 0 --json --timeout 3 cluster status
  [[ $RC == 0 ]] && [[ $(json_value 'sorted(len(n["shards"]) for n in d["nodes"] if n["state"] == "up")') == "[2, 2]" ]]
}
if wait_until 30 rebalanced; then
  check_pass
else
  check_fail "the shards were not spread over both nodes within 30 s of the rejoin" "$(_last_output)"
fi
for n in 0 1; do
  expect_count 20 "$n" 5 party_invite "1 1" "after the rejoin, through node$n: still one invitation"
done
expect_count 20 0 4 points_earned "1 1" "after the rejoin: still one points notification"

summary
