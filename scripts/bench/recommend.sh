#!/usr/bin/env bash
# Recommendation build benchmark: BENCH_USERS synthetic users with seeded
# random profiles (scripts/reference/recommend.py gen), a full 30-day smart
# build (spec §4.2) by lunchmesh against the Python reference on the same
# data, in one run, and the same build on two nodes.
#
#   1. the reference computes BENCH_REF_USERS requesters over all users
#      (its cost per requester is the same for every requester: a scan of
#      every candidate per weekday), so its rate is scaled from that subset:
#      rate = requesters × weekdays / seconds;
#   2. one lunchd node (pinned to CPU 0, BENCH_BUILDERS builders) builds
#      every user's 30 days: `lunchctl recommend build`, rate = users ×
#      weekdays / build time;
#   3. a second node (pinned to CPU 1) joins, takes half the shards, and
#      the build runs again: each node builds its own shards' users.
# Pinning makes each node one core, like two one-core machines; without
# it both nodes would share the same two cores with the first run.
# Prints the rates, lunchmesh ÷ reference (goal ≥ 50×) and one node ÷ two
# nodes build time (goal ≥ 1.6×).
#
# Knobs: BENCH_USERS (10000), BENCH_REF_USERS (60), BENCH_SEED (42),
# BENCH_BUILDERS (1 per node), BENCH_SKIP_BUILD=1, BENCH_BUILD_DIR,
# BENCH_KEEP=1; LUNCH_PG_DIR, LUNCH_CLUSTER_DIR, LUNCH_BASE_PORT,
# LUNCH_SHARDS (default 4).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

USERS=${BENCH_USERS:-10000}
REF_USERS=${BENCH_REF_USERS:-60}
SEED=${BENCH_SEED:-42}
BUILDERS=${BENCH_BUILDERS:-1}
for knob in USERS REF_USERS SEED BUILDERS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a non-negative integer, not '${!knob}'"
done
((USERS >= 2 && REF_USERS >= 1 && BUILDERS >= 1)) ||
  die "BENCH_USERS must be >= 2, BENCH_REF_USERS and BENCH_BUILDERS >= 1"
((REF_USERS <= USERS)) || REF_USERS=$USERS

export LUNCH_PG_DIR=${LUNCH_PG_DIR:-$ROOT/.pg-bench-recommend}
export LUNCH_CLUSTER_DIR=${LUNCH_CLUSTER_DIR:-$ROOT/.cluster-bench-recommend}
export LUNCH_SHARDS=${LUNCH_SHARDS:-4}
export LUNCH_PIN_CPUS=1
export LUNCH_NODE_CONFIG="{\"recommend\": {\"seed\": $SEED, \"builders\": $BUILDERS}, \"request_timeout_ms\": 60000}"
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/build}
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$BUILD_DIR/bin}
CLUSTER=$ROOT/scripts/cluster.sh
LUNCHCTL=$LUNCH_BIN_DIR/lunchctl
ORACLE=$ROOT/scripts/reference/recommend.py
WORK=

bench_build "$BUILD_DIR" lunchd lunchctl
bench_traps
bench_fresh_state lunch-bench-recommend
if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
  LUNCH_BASE_PORT=$(free_port 2)
fi
export LUNCH_BASE_PORT
NODE0=127.0.0.1:$LUNCH_BASE_PORT

heading "Data: $USERS users (seed $SEED)"
TODAY=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc)+d.timedelta(hours=9)).date())')
python3 "$ORACLE" gen --users "$USERS" --seed "$SEED" --parties 0 \
  --schedules 0 --today "$TODAY" >"$WORK/dataset.json"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["users"], open(sys.argv[2], "w"), ensure_ascii=False)' \
  "$WORK/dataset.json" "$WORK/users.json"

heading "Reference: $REF_USERS requesters × 30 days over all $USERS users"
python3 "$ORACLE" smart --data "$WORK/dataset.json" --from "$TODAY" --days 30 \
  --users-subset "$REF_USERS" >/dev/null 2>"$WORK/oracle.err"
cat "$WORK/oracle.err"
read -r ref_req ref_dates ref_s < <(python3 - "$WORK/oracle.err" <<'PY'
import re, sys
m = re.search(r"requesters=(\d+) dates=(\d+) seconds=([0-9.]+)", open(sys.argv[1]).read())
print(*m.groups())
PY
)

heading "lunchmesh: one node (CPU 0, $BUILDERS builder)"
"$CLUSTER" up 1
"$LUNCHCTL" --node "$NODE0" --timeout 600 user import "$WORK/users.json" >/dev/null
build() { # prints "users entries ms"
  "$LUNCHCTL" --node "$NODE0" --timeout 60 --json recommend build --days 30 --quiet |
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["state"]=="done", d; print(d["users_done"], d["entries"], d["elapsed_ms"])'
}
build >/dev/null # loads the world once; the measured builds reload it too
read -r users1 entries1 ms1 < <(build)
echo "build: $users1 users, $entries1 entries, $ms1 ms"

heading "lunchmesh: two nodes (CPU 0 and CPU 1)"
"$CLUSTER" up 2
read -r users2 entries2 ms2 < <(build)
echo "build: $users2 users, $entries2 entries, $ms2 ms"

heading "Results"
python3 - "$ref_req" "$ref_dates" "$ref_s" "$users1" "$ms1" "$users2" "$ms2" "$entries1" "$entries2" <<'PY'
import sys
ref_req, ref_dates, ref_s, u1, ms1, u2, ms2, e1, e2 = map(float, sys.argv[1:])
ref_rate = ref_req * ref_dates / ref_s
rate1 = u1 * ref_dates / (ms1 / 1000)
rate2 = u2 * ref_dates / (ms2 / 1000)
print(f"reference (Python, 1 core):  {ref_rate:12.0f} users×dates/s  ({ref_req:.0f} requesters, {ref_s:.2f} s, scaled)")
print(f"lunchmesh, 1 node (1 core):  {rate1:12.0f} users×dates/s  ({u1:.0f} users, {ms1/1000:.2f} s)")
print(f"lunchmesh, 2 nodes (2 cores):{rate2:12.0f} users×dates/s  ({u2:.0f} users, {ms2/1000:.2f} s)")
print(f"lunchmesh 1 node ÷ reference: {rate1 / ref_rate:.1f}×  (goal ≥ 50×)")
print(f"1 node time ÷ 2 nodes time:   {ms1 / ms2:.2f}×  (goal ≥ 1.6×)")
if e1 != e2:
    print(f"warning: entries differ between the builds ({e1:.0f} vs {e2:.0f})")
PY
