#!/usr/bin/env bash
# A guided tour of lunchmesh on a 3-node cluster: builds, starts a fresh
# private PostgreSQL ($ROOT/.pg-demo) and three nodes ($ROOT/.cluster-demo),
# imports the 20 seed users, walks through users, a party and the shard
# tools with lunchctl, crashes a shard owner (supervision), kills a whole
# node (failover to the survivors), brings it back (rebalancing), then
# stops everything (also on failure or Ctrl-C).
#
# LUNCH_BASE_PORT picks the first node's port (the others follow); by
# default free ones, so the demo does not clash with nodes on 4710.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The child scripts (pg.sh, cluster.sh) read these.
export LUNCH_PG_DIR=$ROOT/.pg-demo
export LUNCH_CLUSTER_DIR=$ROOT/.cluster-demo
# The demo shows a crash and its repair (lunchctl debug ...).
export LUNCH_FAULT_INJECTION=1
CLUSTER=$ROOT/scripts/cluster.sh
LUNCHCTL=$ROOT/build/bin/lunchctl
SURPRISES=0

ensure_packages
build_project

# shellcheck disable=SC2317 # called from the EXIT trap
on_exit() {
  show_node_log_on_failure $?
  stop_cluster_and_pg
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Fresh state each time, so the demo is repeatable (stop leftovers of an
# interrupted run first: their files are about to be removed).
stop_cluster_and_pg
rm -rf "$LUNCH_PG_DIR" "$LUNCH_CLUSTER_DIR"

if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
  LUNCH_BASE_PORT=$(free_port 3)
fi
export LUNCH_BASE_PORT
export LUNCH_NODE=127.0.0.1:$LUNCH_BASE_PORT

# Shows a command, then runs it; a failure ends the demo (set -e).
ctl() {
  printf '\n$ lunchctl %s\n' "$*"
  "$LUNCHCTL" "$@"
}

# Shows a command that must be refused with exit code WANT. A refusal is
# the point here, so it does not stop the demo; any other outcome is
# reported and makes the demo exit 1 at the end.
ctl_refused() {
  local want=$1 rc=0
  shift
  printf '\n$ lunchctl %s    # expected: refused, exit %s\n' "$*" "$want"
  "$LUNCHCTL" "$@" || rc=$?
  if ((rc == want)); then
    echo "(refused as expected: exit $rc)"
  else
    echo "UNEXPECTED: exit $rc, wanted $want" >&2
    SURPRISES=$((SURPRISES + 1))
  fi
}

heading "Starting PostgreSQL and three nodes (ports $LUNCH_BASE_PORT-$((LUNCH_BASE_PORT + 2)))"
"$CLUSTER" up 3

heading "Importing the 20 seed users"
ctl user import "$ROOT/config/seed-users.json"

heading "Users"
ctl user get 1
ctl user shard KOICA001
ctl user shard TEST001
ctl user shard TEST002

heading "A party: host 1 with member 2, at most 3 people"
# The old app's "today" is Korean time.
tomorrow=$(TZ=Asia/Seoul date -d tomorrow +%F)
printf '\n$ lunchctl --json party create --host 1 ... --date %s --max 3 --members 2\n' "$tomorrow"
# With --json even an error is printed on stdout: show it before failing.
rc=0
created=$("$LUNCHCTL" --json party create --host 1 --title "내일 점심 같이 해요" \
  --restaurant "한솥밥집" --address "성남시 수정구 시흥동" --date "$tomorrow" \
  --time 12:00 --location "1층 로비" --max 3 --members 2) || rc=$?
echo "$created"
((rc == 0)) || die "party create failed (exit $rc)"
pid=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["party_id"])' <<<"$created")
echo "party id: $pid"

heading "Joining: user 3 fills the party, user 4 is turned away"
ctl party join "$pid" 3
ctl_refused 1 party join "$pid" 4

heading "Leaving: a member may leave, the host of a normal party may not"
ctl party leave "$pid" 3
ctl_refused 1 party leave "$pid" 3
ctl_refused 1 party leave "$pid" 1

heading "The party and user 1's parties"
ctl party get "$pid"
ctl party mine 1

heading "Search across all shards"
ctl user search 김
ctl user search 한식 --limit 5

heading "Shards and the node"
ctl shard stats
ctl shard map
ctl shard plan
ctl node status

# The node (address) whose lease covers shard $1, from cluster status.
owner_of_shard() {
  "$LUNCHCTL" --json cluster status | python3 -c '
import json, sys
d = json.load(sys.stdin)
owner = [l["owner"] for l in d["leases"] if l["shard"] == int(sys.argv[1])][0]
print([n["name"] + " " + n["address"] for n in d["nodes"] if n["name"] == owner][0])
' "$1"
}

heading "The cluster: every node answers every command"
ctl cluster status
for port in "$LUNCH_BASE_PORT" "$((LUNCH_BASE_PORT + 1))" "$((LUNCH_BASE_PORT + 2))"; do
  ctl --node "127.0.0.1:$port" --json user get 1
done

shard=$("$LUNCHCTL" --json user shard 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["shard"])')
read -r owner owner_addr < <(owner_of_shard "$shard")

heading "Supervision: crash user 1's shard owner (shard/$shard on $owner); the restarted one serves the next command"
ctl --node "$owner_addr" debug crash "shard/$shard"
# The first restart after a quiet period is immediate; allow a moment.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  "$LUNCHCTL" user update 1 --nickname "김민준" >/dev/null 2>&1 && break
  sleep 0.1
done
ctl party get "$pid"
ctl --node "$owner_addr" debug tree

heading "Failover: kill -9 $owner, the owner of shard $shard; another node takes it over"
# Ask a node that survives.
for port in "$LUNCH_BASE_PORT" "$((LUNCH_BASE_PORT + 1))" "$((LUNCH_BASE_PORT + 2))"; do
  if [[ 127.0.0.1:$port != "$owner_addr" ]]; then
    export LUNCH_NODE=127.0.0.1:$port
    break
  fi
done
"$CLUSTER" kill "$owner"
start=$(date +%s%N)
printf '
$ lunchctl party join %s 5    # through %s, right after the kill
' "$pid" "$LUNCH_NODE"
"$LUNCHCTL" party join "$pid" 5 >/dev/null
echo "served after $(( ($(date +%s%N) - start) / 1000000 )) ms (kill to reply, including lunchctl's start-up)"
ctl party get "$pid"
ctl cluster status
ctl cluster events --limit 6

heading "Rejoin: $owner starts again and gets its share back, one shard at a time"
"$CLUSTER" up 3
ctl cluster events --limit 4

heading "Events, jobs and the scheduler (the old RabbitMQ, Celery and beat)"
# The party's events delivered the invitation to 2 and the join to the host.
ctl notify list 2
ctl notify list 1
ctl schedule list
job=$("$LUNCHCTL" --json schedule trigger daily-user-analytics |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["job_id"])')
for _ in $(seq 50); do
  "$LUNCHCTL" --json job status "$job" | grep -q '"succeeded"' && break
  sleep 0.2
done
ctl job status "$job"
ctl analytics get 1
ctl recommend get --user 1
ctl cache stats

heading "Stopping"
stop_cluster_and_pg
if ((SURPRISES > 0)); then
  echo "demo finished with $SURPRISES unexpected result(s)" >&2
  exit 1
fi
echo "demo finished"
