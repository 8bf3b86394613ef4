#!/usr/bin/env bash
# End-to-end test of the recommendation cache on one lunchd node (seed
# zero, the seed users): `lunchctl cache stats` (entries, days, hits and
# misses of cached reads, the refresh cycle), `lunchctl cache refresh`
# (a batch on an empty queue begins a cycle over every entry; its exact
# refreshed and queued counts), a party join queueing the entries of its day
# and refresh batches bringing them back equal to a fresh on-demand read
# (after a restart), and bad input. Own PostgreSQL and ports, like the
# other e2e tests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

e2e_begin e2e-cache
NAME=e2e-cache

# Two weekdays after today (KST).
read -r D1 D2 < <(kst_weekdays 2)
echo "weekdays $D1 $D2"

# expect_stats '{"field": value, ...}': `cache stats --json` answers one
# node (this one) whose fields have exactly these values.
expect_stats() {
  local keys
  keys=$(python3 -c 'import json,sys; print(list(json.loads(sys.argv[1])))' "$1")
  expect_rc 0 -- ctl --json cache stats
  expect_json "len(d), d[0][\"node\"]" "[1, \"$NAME\"]"
  expect_json "{k: d[0][k] for k in $keys}" "$1"
}

# Succeeds when `cache stats` shows N keys queued.
queued_is() {
  [[ $(ctl --json cache stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["queued"])') == "$1" ]]
}

# -----------------------------------------------------------------------------
section "setup: one node, seed zero"
# The cluster scheduler's periodic refresh batches (and scheduled builds)
# are off: this test runs every batch itself and counts exactly.
e2e_start_pg_and_config "$NAME" 'c["recommend"] = {"seed": 0}
c["scheduler"] = {"cache_refresh": {"interval_ms": 0}, "schedules": {}}'
start_lunchd "$WORK/node.json"

# -----------------------------------------------------------------------------
section "1. a fresh node has an empty cache"
expect_stats '{"entries": 0, "days": 0, "hits": 0, "misses": 0, "hit_rate": null, "cycle": 0, "cycle_refreshed": 0, "cycle_total": 0, "queued": 0, "refreshed_total": 0, "last_batch_ms_ago": null, "error": null}'
expect_rc 0 -- ctl --json cache refresh --batch 4
expect_json 'd' "[{\"node\": \"$NAME\", \"refreshed\": 0, \"queued\": 0, \"error\": null}]"
expect_stats '{"entries": 0, "cycle": 0, "queued": 0}'
expect_json 'd[0]["last_batch_ms_ago"] >= 0' 'true'

# -----------------------------------------------------------------------------
section "2. data: the seed users, a party on $D1"
expect_rc 0 -- ctl --json user import "$ROOT/config/seed-users.json"
expect_rc 0 -- ctl --json party create --host 2 --title "점심" \
  --restaurant "지구마을" --date "$D1" --time 12:00 --location "1층 로비" \
  --max 6 --members 3
P=$(json_value 'd["party_id"]')
# The recommender loads its world on the first read, from the shards; the
# change notices of these writes must not reach it after that (they would
# invalidate entries this test counts). Wait until every shard's relay has
# handed its events to the gateway (its saved cursor of the recommend
# subscriber is past the last one): the gateway passes a notice on to the
# recommender before it handles a later read.
notices_delivered() {
  local i
  for i in 0 1 2 3; do
    [[ $("$PG" psql -X -A -t -q -v ON_ERROR_STOP=1 -d "lunch_shard_$i" -c \
      "SELECT coalesce((SELECT delivered_upto FROM outbox_cursors WHERE subscriber = 'recommend'), 0) >= coalesce((SELECT max(id) FROM outbox), 0)") == t ]] ||
      return 1
  done
}
wait_until 30 notices_delivered || fatal "the relays did not deliver the writes' events within 30 s"

# -----------------------------------------------------------------------------
section "3. reads fill the cache: a miss, then hits"
expect_rc 0 -- ctl --json recommend get --user 1 --date "$D1"
FIRST=$OUT
expect_json 'len(d) > 0' 'true'
expect_stats '{"entries": 1, "days": 1, "hits": 0, "misses": 1, "queued": 0}'
expect_rc 0 -- ctl --json recommend get --user 1 --date "$D1"
expect_eq "the cached answer equals the computed one" "$FIRST" "$OUT"
expect_stats '{"entries": 1, "hits": 1, "misses": 1, "hit_rate": 50.0}'
for u in 4 5 6 7 8; do
  expect_rc 0 -- ctl --json recommend get --user "$u" --date "$D1"
done
expect_rc 0 -- ctl --json recommend get --user 1 --date "$D2"
expect_stats '{"entries": 7, "days": 2, "hits": 1, "misses": 7, "hit_rate": 12.5, "cycle": 0, "queued": 0}'
expect_json 'd[0]["memory_bytes"] > 7 * 16' 'true'
expect_rc 0 -- ctl cache stats
expect_contains "HIT RATE" "$OUT" "cache stats table"
expect_contains "12.5 %" "$OUT" "cache stats table"

# -----------------------------------------------------------------------------
section "4. a batch on an empty queue begins a cycle over all 7 entries"
expect_rc 0 -- ctl --json cache refresh --batch 4
expect_json 'd' "[{\"node\": \"$NAME\", \"refreshed\": 4, \"queued\": 3, \"error\": null}]"
expect_stats '{"entries": 7, "days": 2, "hits": 1, "misses": 7, "cycle": 1, "cycle_refreshed": 4, "cycle_total": 7, "queued": 3, "refreshed_total": 4}'
expect_json 'd[0]["last_batch_ms_ago"] >= 0' 'true'
expect_rc 0 -- ctl cache refresh --batch 4
expect_contains "$NAME" "$OUT" "cache refresh table"
expect_stats '{"entries": 7, "cycle": 1, "cycle_refreshed": 7, "cycle_total": 7, "queued": 0, "refreshed_total": 7}'
expect_rc 0 -- ctl --json recommend get --user 1 --date "$D1"
expect_eq "a refreshed entry equals the computed one" "$FIRST" "$OUT"
expect_stats '{"hits": 2, "misses": 7}'

# -----------------------------------------------------------------------------
section "5. a join on $D1 queues that day's 6 entries; refreshes bring them back"
expect_rc 0 -- ctl --json party join "$P" 9
if wait_until 20 queued_is 6; then
  check_pass
else
  check_fail "the join's notice did not queue $D1's 6 entries within 20 s"
fi
expect_stats '{"entries": 1, "days": 1, "cycle": 1, "cycle_refreshed": 7, "cycle_total": 13, "queued": 6}'
# The queue is not empty: no new cycle, the invalidated keys first.
expect_rc 0 -- ctl --json cache refresh --batch 4
expect_json '[d[0]["refreshed"], d[0]["queued"]]' '[4, 2]'
expect_rc 0 -- ctl --json cache refresh --batch 4
expect_json '[d[0]["refreshed"], d[0]["queued"]]' '[2, 0]'
expect_stats '{"entries": 7, "days": 2, "hits": 2, "misses": 7, "cycle": 1, "cycle_refreshed": 13, "cycle_total": 13, "queued": 0, "refreshed_total": 13}'
# Every read is now a hit on a refreshed entry, which knows 9 is busy.
for u in 1 4 5 6 7 8; do
  expect_rc 0 -- ctl --json recommend get --user "$u" --date "$D1"
  printf '%s\n' "$OUT" >"$WORK/refreshed-$u.json"
  expect_json '[m["employee_id"] for g in d for m in g["recommended_group"]].count("9")' '0'
done
expect_stats '{"entries": 7, "hits": 8, "misses": 7}'
# The queue is empty again: the next batch begins cycle 2.
expect_rc 0 -- ctl --json cache refresh --batch 100
expect_json '[d[0]["refreshed"], d[0]["queued"]]' '[7, 0]'
expect_stats '{"entries": 7, "cycle": 2, "cycle_refreshed": 7, "cycle_total": 7, "refreshed_total": 20}'

# -----------------------------------------------------------------------------
section "6. the refreshed entries equal fresh on-demand reads (a restart)"
stop_lunchd_with TERM
start_lunchd "$WORK/node.json"
expect_stats '{"entries": 0, "hits": 0, "misses": 0, "cycle": 0}'
for u in 1 4 5 6 7 8; do
  expect_rc 0 -- ctl --json recommend get --user "$u" --date "$D1"
  expect_eq "user $u on $D1: refreshed entry = fresh read" \
    "$(cat "$WORK/refreshed-$u.json")" "$OUT"
done
expect_stats '{"entries": 6, "days": 1, "hits": 0, "misses": 6}'

# -----------------------------------------------------------------------------
section "7. bad input"
expect_rc 2 -- ctl cache refresh --batch 0
expect_contains "--batch" "$ERR" "error message"
expect_rc 2 -- ctl cache refresh --batch 100001
expect_rc 2 -- ctl cache refresh --batch many
expect_rc 2 -- ctl cache
expect_rc 2 -- ctl cache purge

summary
