#!/usr/bin/env bash
# End-to-end test of the node's supervision tree, driven by lunchctl debug
# crash|heal|tree: fault injection off by default, the shape of the tree,
# a crashed shard owner reloading from PostgreSQL (rest_for_one takes the
# entities along), writes under repeated owner crashes losing nothing
# acknowledged, entity crashes, a crash loop escalating from shards/N to
# shards while the other shards keep serving, PostgreSQL stopped and
# restarted under load, and a clean SIGTERM.
#
# It starts its OWN PostgreSQL in a temporary directory (it stops and
# restarts it) and picks free ports, so it runs beside anything else.
# Environment: LUNCH_BIN_DIR (default $ROOT/build/bin); LUNCH_E2E_KEEP=1
# keeps the temporary directory (logs) for inspection.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh disable=SC1091
source "$HERE/lib.sh"

e2e_begin sv
LOG_MARK=0

# ctl, start_lunchd, stop_lunchd_with, config_variant: tests/e2e/lib.sh

# -- the structured log --------------------------------------------------------

# Remembers the current end of the log; log_since prints what came after.
log_mark() {
  LOG_MARK=$(stat -c %s "$LOG")
}

log_since() {
  tail -c "+$((LOG_MARK + 1))" "$LOG"
}

# (grep without -q reads to the end: no SIGPIPE for tail under pipefail)
log_has() {
  log_since | grep -F -- "$1" >/dev/null
}

# Checks that a log line written since log_mark contains TEXT (waiting up
# to LIMIT seconds for it) and, if given, also contains MORE.
expect_log() {
  local text=$1 more=${2:-} limit=${3:-20} line
  if ! wait_until "$limit" log_has "$text"; then
    check_fail "no log line since the mark contains: $text" \
      "last lines: $(log_since | tail -n 3)"
    return
  fi
  check_pass
  if [[ -n $more ]]; then
    line=$(log_since | grep -m 1 -F -- "$text" || true)
    LAST_CMD="log line: $text"
    expect_contains "$more" "$line" "the first log line with '$text'"
  fi
}

# -- the live tree -------------------------------------------------------------

# True when `debug tree` lists each NAME=RESTARTS given, running.
tree_is() {
  local pairs="" arg
  for arg in "$@"; do
    pairs+="(\"${arg%=*}\", ${arg##*=}), "
  done
  run ctl --json debug tree
  [[ $RC == 0 ]] &&
    [[ $(json_value "all(any(l[\"name\"] == n and l[\"restarts\"] == r and l[\"state\"] == \"running\" for l in d) for n, r in [$pairs])") == true ]]
}

expect_tree() {
  if wait_until 20 tree_is "$@"; then
    check_pass
  else
    check_fail "debug tree did not show $* (all running) within 20 s" \
      "$(_last_output)"
  fi
}

# The [user, party] crash counts in the detail of entities/N, last OUT.
crash_counts_expr() {
  printf '[x.split(")")[0] for x in [l for l in d if l["name"] == "entities/%s"][0]["detail"].split("(crashes ")[1:]]' "$1"
}

# -----------------------------------------------------------------------------
section "setup: private PostgreSQL"
e2e_start_pg_and_config sv0
config_variant 'c["debug"] = {"fault_injection": True}' "$WORK/faults.json"
config_variant 'c["debug"] = {"fault_injection": True}
c["supervision"] = {"shard": {"max_restarts": 100, "within_ms": 5000,
                              "backoff_min_ms": 100, "backoff_max_ms": 200,
                              "reset_after_ms": 600000}}' \
  "$WORK/faults-tolerant.json"
# For the crash loops of sections 5 and 6: the restart limits (20 entity
# crashes, 5 owner failures) count over 10 minutes instead of 5 s, so that
# a loop reaches them however slow each request is on this machine.
config_variant 'c["debug"] = {"fault_injection": True}
c["supervision"] = {"shard": {"within_ms": 600000},
                    "entities": {"within_ms": 600000}}' "$WORK/faults-loops.json"
echo "pg: $("$PG" dsn); node: $NODE"

# -----------------------------------------------------------------------------
section "1. fault injection is off unless the config turns it on"
config_variant 'c["debug"] = {"fault_injection": "yes"}' "$WORK/bad-debug.json"
expect_rc 2 -- "$BIN/lunchd" --check --config "$WORK/bad-debug.json"
expect_contains "debug.fault_injection" "$ERR" stderr
config_variant 'c["supervision"] = {"shard": {"bogus": 1}}' "$WORK/bad-sup.json"
expect_rc 2 -- "$BIN/lunchd" --check --config "$WORK/bad-sup.json"
expect_contains "supervision.shard.bogus" "$ERR" stderr
expect_rc 0 -- "$BIN/lunchd" --check --config "$WORK/faults-tolerant.json"

start_lunchd "$WORK/node.json"
for cmd in "tree" "crash shard/0" "heal shard/0"; do
  # shellcheck disable=SC2086 # word splitting wanted: "crash shard/0"
  expect_rc 1 -- ctl debug $cmd
  expect_contains "error: forbidden: fault injection is off" "$ERR" stderr
  # shellcheck disable=SC2086
  expect_rc 1 -- ctl --json debug $cmd
  expect_err_code forbidden
  expect_json '"fault injection is off" in d["message"]' 'true'
done
expect_rc 1 -- ctl --json debug crash user/nobody --every-message
expect_err_code forbidden
# Nothing was crashed: the node serves as before.
expect_rc 0 -- ctl --json node status
expect_json 'd["unreachable_shards"]' '[]'

# Keys by shard, asked of the node (`user shard`): KEYSn lists keys of
# shard n. Wanted: 1 on shard 0, 4 on shard 1, 120 on shard 2, 1 on shard 3.
KEYS0=() KEYS1=() KEYS2=() KEYS3=()
for ((i = 1; i <= 2000; i++)); do
  out=$("$BIN/lunchctl" --node "$NODE" --json user shard "k$i") ||
    fatal "lunchctl user shard k$i failed: $out"
  [[ $out =~ \"shard\":([0-3]), ]] || fatal "user shard k$i: unexpected answer $out"
  case ${BASH_REMATCH[1]} in
    0) KEYS0+=("k$i") ;;
    1) KEYS1+=("k$i") ;;
    2) KEYS2+=("k$i") ;;
    3) KEYS3+=("k$i") ;;
  esac
  ((${#KEYS0[@]} >= 1 && ${#KEYS1[@]} >= 4 && ${#KEYS2[@]} >= 120 && ${#KEYS3[@]} >= 1)) && break
done
echo "keys per shard after $i lookups: ${#KEYS0[@]} ${#KEYS1[@]} ${#KEYS2[@]} ${#KEYS3[@]}"
((${#KEYS2[@]} >= 120)) || fatal "fewer than 120 keys on shard 2 among k1..k2000"
stop_lunchd_with TERM

# -----------------------------------------------------------------------------
section "2. the supervision tree of a node with fault injection (4 shards)"
start_lunchd "$WORK/faults.json"
expect_rc 0 -- ctl --json debug tree
expect_json 'len(d)' '24'
expect_json '[l["name"] for l in d]' '["node", "catalog", "shards", "shards/0",
  "shard/0", "entities/0", "events/0", "shards/1", "shard/1", "entities/1",
  "events/1", "shards/2", "shard/2", "entities/2", "events/2", "shards/3",
  "shard/3", "entities/3", "events/3", "gateway", "recommend", "jobs",
  "scheduler", "cluster"]'
expect_json '[l["depth"] for l in d]' '[0, 1, 1, 2, 3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 3, 1, 1, 1, 1, 1]'
expect_json 'sorted(set(l["state"] for l in d))' '["running"]'
expect_json '[l["restarts"] for l in d]' '[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]'
expect_json 'sorted(set((l["name"].split("/")[0], l["kind"], l["strategy"]) for l in d))' \
  '[["catalog", "worker", ""], ["cluster", "worker", ""],
    ["entities", "entities", "on_demand"], ["events", "worker", ""],
    ["gateway", "worker", ""], ["jobs", "worker", ""],
    ["node", "supervisor", "one_for_one"], ["recommend", "worker", ""],
    ["scheduler", "worker", ""], ["shard", "worker", ""],
    ["shards", "supervisor", "one_for_one"], ["shards", "supervisor", "rest_for_one"]]'
expect_json '[l["strategy"] for l in d if l["name"].startswith("shards")]' \
  '["one_for_one", "rest_for_one", "rest_for_one", "rest_for_one", "rest_for_one"]'
# The default intensities: shards 16 x 4 in 60 s, a shard 5 in 5 s,
# entities 20 in 5 s.
expect_json '[l["detail"] for l in d if l["name"] == "shards"]' \
  '["child restarts 0, in window 0/64 per 60000 ms"]'
expect_json 'sorted(set(l["detail"] for l in d if l["name"].startswith("shards/")))' \
  '["child restarts 0, in window 0/5 per 5000 ms"]'
expect_json 'sorted(set(l["detail"] for l in d if l["name"].startswith("entities/")))' \
  '["users 0 (crashes 0), parties 0 (crashes 0), in window 0/20 per 5000 ms"]'
expect_rc 0 -- ctl debug tree
expect_eq "header of debug tree" "ACTOR KIND STRATEGY STATE RESTARTS DETAIL" \
  "$(head -n 1 <<<"$OUT" | tr -s ' ' | sed 's/ $//')"
expect_eq "lines of debug tree" 25 "$(wc -l <<<"$OUT")"
# shellcheck disable=SC2016 # backquotes drawn by the tree, not expansions
expect_eq "ACTOR column of debug tree" \
  'node|- catalog|- shards|  |- shards/0|  |  |- shard/0|  |  |- entities/0|  |  `- events/0|  `- shards/3|     |- shard/3|     |- entities/3|     `- events/3|- gateway|- recommend|- jobs|- scheduler`- cluster' \
  "$(sed -n '2,8p;17,25p' <<<"$OUT" | cut -c1-19 | sed 's/ *$//' | tr -d '\n')"
expect_contains "gateway           worker                    running  0" "$OUT"

# -----------------------------------------------------------------------------
section "3. a crashed shard owner restarts with its entities; nothing is lost"
H=${KEYS1[0]} M1=${KEYS1[1]} M2=${KEYS1[2]} M3=${KEYS1[3]}
for u in "$H" "$M1" "$M2" "$M3"; do
  expect_rc 0 -- ctl --json user create "$u" --nickname "nick-$u" --email "$u@example.com"
  expect_json 'd["shard_id"]' '1'
done
TOMORROW=$(date -d tomorrow +%F)
party_args=(--title "장애 점심" --restaurant 지구마을 --date "$TOMORROW" --time 12:00
  --location 로비)
expect_rc 0 -- ctl --json party create --host "$H" "${party_args[@]}" --max 4 --members "$M1,$M2"
P=$(json_value 'd["party_id"]') || fatal "party create printed no party_id: $OUT"
expect_rc 0 -- ctl --json party join "$P" "$M3"
expect_json 'd["current_members"]' '4'
expect_rc 0 -- ctl --json user update "$M1" --nickname renamed-before-crash
expect_json 'd["nickname"]' '"renamed-before-crash"'
# What the entities hold (cached) before the crash.
declare -A BEFORE
for u in "$H" "$M1" "$M2" "$M3"; do
  expect_rc 0 -- ctl --json user get "$u"
  BEFORE[$u]=$OUT
done
expect_rc 0 -- ctl --json party get "$P"
BEFORE[party]=$OUT
expect_json 'sorted(m["employee_id"] for m in d["members"])' \
  "$(python3 -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:])))' "$H" "$M1" "$M2" "$M3")"
log_mark
expect_rc 0 -- ctl debug crash shard/1
expect_eq "output of debug crash shard/1" "shard/1 was made to throw" "$OUT"
expect_tree shard/1=1 entities/1=1 events/1=1
expect_json '[[l["name"], l["restarts"]] for l in d if l["restarts"] != 0]' \
  '[["shard/1", 1], ["entities/1", 1], ["events/1", 1]]'
expect_json 'sorted(set(l["state"] for l in d))' '["running"]'
# A fresh region: nothing cached, so the reads below come from PostgreSQL.
expect_json '[l["detail"].split(", in window")[0] for l in d if l["name"] == "entities/1"]' \
  '["users 0 (crashes 0), parties 0 (crashes 0)"]'
expect_json '[l["detail"] for l in d if l["name"] == "shard/1"]' \
  '["last exit: shard/1 crashed (injected fault in shard/1); the request was not applied"]'
expect_log "event=actor.crashed actor=shard/1 " 'error="injected fault in shard/1"'
expect_log "event=supervisor.restart supervisor=shards/1 child=shard/1 " \
  "restart=1 delay_ms=0 strategy=rest_for_one"
for u in "$H" "$M1" "$M2" "$M3"; do
  expect_rc 0 -- ctl --json user get "$u"
  expect_eq "user get $u after the owner crash (same document as before)" "${BEFORE[$u]}" "$OUT"
done
expect_rc 0 -- ctl --json user get "$M1"
expect_json 'd["nickname"]' '"renamed-before-crash"'
expect_rc 0 -- ctl --json party get "$P"
expect_eq "party get $P after the owner crash (same document as before)" "${BEFORE[party]}" "$OUT"
expect_json 'd["current_members"]' '4'
expect_json '[m["nickname"] for m in d["members"] if m["employee_id"] == "'"$M1"'"]' \
  '["renamed-before-crash"]'
expect_rc 0 -- ctl --json debug tree
expect_json '[l["detail"].split(", in window")[0] for l in d if l["name"] == "entities/1"]' \
  '["users 4 (crashes 0), parties 1 (crashes 0)"]'
# And the shard takes writes again.
expect_rc 0 -- ctl --json user update "$M2" --nickname after-crash
expect_json 'd["nickname"]' '"after-crash"'
stop_lunchd_with TERM

# -----------------------------------------------------------------------------
section "4. writes under repeated owner crashes lose nothing acknowledged"
# A node whose shards tolerate 100 restarts in 5 s, with a 100-200 ms
# backoff (never reset between these crashes, however slow the machine):
# each crash leaves shard 2 down long enough for writes to hit it.
start_lunchd "$WORK/faults-tolerant.json"
expect_rc 0 -- ctl --json debug tree
expect_json '[l["detail"] for l in d if l["name"] == "shards/2"]' \
  '["child restarts 0, in window 0/100 per 5000 ms"]'
# Each line of s4.W.log: KEY RC MILLISECONDS ERROR-CODE.
s4_writer() {
  set +e
  local w=$1 key t rc out code
  shift
  for key in "$@"; do
    [[ -e $WORK/s4.done ]] && break
    t=$(now_us)
    out=$(timeout 20 "$BIN/lunchctl" --node "$NODE" --json user create "$key" \
      --nickname "n-$key" 2>&1)
    rc=$?
    code=-
    [[ $out =~ \"error\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
    echo "$key $rc $((($(now_us) - t) / 1000)) $code" >>"$WORK/s4.$w.log"
    sleep 0.1
  done
}
rm -f "$WORK"/s4.*
for w in 0 1 2; do
  : >"$WORK/s4.$w.log"
  s4_writer "$w" "${KEYS2[@]:$((w * 40)):40}" &
  BG_PIDS+=($!)
done
s4_writes() { # [AWK-CONDITION]: how many writes the writers logged
  cat "$WORK"/s4.?.log | awk "${1:-1}" | wc -l
}
# Every writer has begun (logged a write).
s4_started() {
  local w
  for w in 0 1 2; do
    [[ -s $WORK/s4.$w.log ]] || return 1
  done
}
wait_until 30 s4_started || fatal "the writers logged no write in 30 s"
log_mark
# At least 6 crashes, and more (up to 40, while the writers still have
# keys) until a write was refused while the shard restarted: how many
# writes a restart catches depends on the machine's speed, that one is
# refused does not. The writers have keys enough (120) to keep writing
# through every crash even where each lunchctl takes a second.
s4_writing() {
  (($(s4_writes) < 120))
}
CRASHES=0
while ((CRASHES < 6 || ($(s4_writes '$2 != 0') == 0 && CRASHES < 40))) && s4_writing; do
  CRASHES=$((CRASHES + 1))
  expect_rc 0 -- ctl debug crash shard/2
  expect_eq "output of debug crash shard/2" "shard/2 was made to throw" "$OUT"
  expect_tree shard/2="$CRASHES" entities/2="$CRASHES" events/2="$CRASHES"
  sleep 0.15 # pacing: writes go on between the crashes
done
# Enough writes (30 of the 120 keys) before the writers stop.
s4_enough() {
  (($(s4_writes) >= 30))
}
wait_until 60 s4_enough || true
touch "$WORK/s4.done"
wait "${BG_PIDS[@]}" || true
BG_PIDS=()
cat "$WORK"/s4.?.log >"$WORK/s4.all"
n_total=$(wc -l <"$WORK/s4.all")
n_acked=$(awk '$2 == 0' "$WORK/s4.all" | wc -l)
n_failed=$((n_total - n_acked))
echo "writes to shard 2: $n_total, $n_acked acknowledged, $n_failed failed"
LAST_CMD="3 writers: lunchctl user create (shard 2) under $CRASHES crashes of shard/2"
expect_eq "enough writes ran (>= 30 of 120; got $n_total)" 1 "$((n_total >= 30))"
expect_eq "writes acknowledged (>= 5; got $n_acked)" 1 "$((n_acked >= 5))"
expect_eq "writes refused while the shard restarted (>= 1; got $n_failed)" 1 "$((n_failed >= 1))"
expect_eq "writes with an exit code other than 0 and 3" "" \
  "$(awk '$2 != 0 && $2 != 3 {printf "%s:rc%s ", $1, $2}' "$WORK/s4.all")"
expect_eq "refused writes whose error is not unavailable" "" \
  "$(awk '$2 == 3 && $4 != "unavailable" {printf "%s:%s ", $1, $4}' "$WORK/s4.all")"
# How long a refused write took is information only (its code is checked).
echo "slowest refused write: $(awk '$2 != 0 && $3 > m {m = $3} END {print m + 0}' "$WORK/s4.all") ms"
expect_tree shard/2="$CRASHES" entities/2="$CRASHES" events/2="$CRASHES"
expect_json '[[l["name"], l["restarts"]] for l in d if l["restarts"] != 0]' \
  "[[\"shard/2\", $CRASHES], [\"entities/2\", $CRASHES], [\"events/2\", $CRASHES]]"
# Backoff 100 ms doubling to 200 ms, jitter 0.2: 0, then 80..200 ms.
delays=$(log_since | grep -F "event=supervisor.restart supervisor=shards/2 child=shard/2 " |
  sed -n 's/.* delay_ms=\([0-9]*\) .*/\1/p' | paste -sd' ' || true)
echo "restart delays of shard/2 (ms): $delays"
expect_eq "restart delays logged for shard/2" "$CRASHES" "$(wc -w <<<"$delays")"
expect_eq "restart delays: the first 0, the others 80..200 ms" "ok" \
  "$(awk '{ok = ($1 == 0); for (i = 2; i <= NF; i++) if ($i < 80 || $i > 200) ok = 0; print ok ? "ok" : $0}' <<<"$delays")"
# PostgreSQL holds exactly the acknowledged users: none lost, and no
# refused write ("not applied") applied after all.
acked=$(awk '$2 == 0 {print $1}' "$WORK/s4.all" | sort | paste -sd' ')
in_db=$("$PG" psql -X -A -t -d lunch_shard_2 \
  -c "SELECT employee_id FROM users WHERE employee_id LIKE 'k%' ORDER BY 1" |
  sort | paste -sd' ' || true)
expect_eq "users of shard 2 in PostgreSQL = the acknowledged creates" "$acked" "$in_db"
lost=()
for key in $acked; do
  run ctl --json user get "$key"
  if [[ $RC != 0 || $OUT != *'"nickname":"n-'$key'"'* || $OUT != *'"shard_id":2,'* ]]; then
    lost+=("$key(rc $RC)")
  fi
done
expect_eq "acknowledged users not readable through the node" "" "${lost[*]}"
stop_lunchd_with TERM

# -----------------------------------------------------------------------------
section "5. entity crashes reload from PostgreSQL; bad paths"
start_lunchd "$WORK/faults-loops.json"
expect_rc 0 -- ctl --json user get "$M1"
M1_DOC=$OUT
expect_json 'd["nickname"]' '"renamed-before-crash"'
expect_rc 0 -- ctl --json party get "$P"
P_DOC=$OUT
expect_json 'd["current_members"]' '4'
log_mark
expect_rc 0 -- ctl debug crash "user/$M1"
expect_eq "output of debug crash user/$M1" "user/$M1 was made to throw" "$OUT"
expect_log "event=entity.crashed supervisor=entities/1 child=user/$M1 " \
  "reason=\"user/$M1 crashed (injected fault in user/$M1)"
expect_rc 0 -- ctl --json user get "$M1"
expect_eq "user get $M1 after its entity crashed" "$M1_DOC" "$OUT"
expect_rc 0 -- ctl --json debug tree
expect_json "$(crash_counts_expr 1)" '["1", "0"]'
expect_rc 0 -- ctl debug crash "party/$P"
expect_eq "output of debug crash party/$P" "party/$P was made to throw" "$OUT"
expect_log "event=entity.crashed supervisor=entities/1 child=party/$P "
expect_rc 0 -- ctl --json party get "$P"
expect_eq "party get $P after its entity crashed" "$P_DOC" "$OUT"
expect_rc 0 -- ctl --json debug tree
expect_json "$(crash_counts_expr 1)" '["1", "1"]'
# An entity crash stays inside the region: no restart anywhere.
expect_json '[l["restarts"] for l in d]' '[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]'
expect_json 'sorted(set(l["state"] for l in d))' '["running"]'
# An entity that throws on every message answers unavailable until healed.
expect_rc 0 -- ctl debug crash "user/$M2" --every-message
expect_eq "output of debug crash user/$M2 --every-message" \
  "user/$M2 now throws on every message" "$OUT"
expect_rc 3 -- ctl --json user get "$M2"
expect_err_code unavailable
expect_json 'd["message"]' "\"user/$M2 crashed (injected fault); the request was not applied\""
expect_rc 3 -- ctl --json user update "$M2" --nickname must-not-stick
expect_err_code unavailable
# Past 20 entity crashes in 10 min the region gives up; shards/1 restarts only
# it (it is the last child: rest_for_one leaves the owner alone).
: >"$WORK/s5.log"
entities_gave_up() {
  local k rc out code
  for ((k = 0; k < 5; k++)); do
    rc=0
    out=$(timeout 20 "$BIN/lunchctl" --node "$NODE" --json user get "$M2" 2>&1) || rc=$?
    code=-
    [[ $out =~ \"error\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
    echo "$rc $code" >>"$WORK/s5.log"
  done
  log_has "event=supervisor.gave_up supervisor=entities/1 "
}
if wait_until 60 entities_gave_up; then
  check_pass
else
  check_fail "entities/1 did not give up within 60 s of crash-looping user/$M2"
fi
echo "user get $M2 while it crash-looped: $(wc -l <"$WORK/s5.log") times"
LAST_CMD="lunchctl user get $M2 (crash-looping)"
expect_eq "reads of the crash-looping user that did not fail with 3 unavailable" "" \
  "$(awk '$1 != 3 || $2 != "unavailable" {printf "rc%s:%s ", $1, $2}' "$WORK/s5.log")"
expect_log "event=supervisor.gave_up supervisor=entities/1 child=user/$M2 " \
  "restarts=20 within_ms=600000"
expect_log "event=supervisor.restart supervisor=shards/1 child=entities/1 " \
  "restart=1 delay_ms=0 strategy=rest_for_one"
expect_tree entities/1=1 events/1=1 shard/1=0
expect_json '[[l["name"], l["restarts"]] for l in d if l["restarts"] != 0]' '[["entities/1", 1], ["events/1", 1]]'
expect_json '["escalations 1, last exit: entities/1 gave up: entities crashed more than 20 times within 600000 ms" in l["detail"] for l in d if l["name"] == "entities/1"]' \
  '[true]'
expect_rc 0 -- ctl debug heal "user/$M2"
expect_eq "output of debug heal user/$M2" "user/$M2 no longer throws" "$OUT"
expect_rc 0 -- ctl --json user get "$M2"
expect_json 'd["nickname"]' '"after-crash"'
# Crashing the region restarts only it (rest_for_one: it comes after the
# owner), and its entities reload.
expect_rc 0 -- ctl debug crash entities/1
expect_eq "output of debug crash entities/1" "entities/1 was made to throw" "$OUT"
expect_tree entities/1=2 events/1=2 shard/1=0
expect_json '[[l["name"], l["restarts"]] for l in d if l["restarts"] != 0]' '[["entities/1", 2], ["events/1", 2]]'
expect_rc 0 -- ctl --json user get "$M1"
expect_eq "user get $M1 after entities/1 restarted" "$M1_DOC" "$OUT"
# The gateway restarts and listens again on the same port.
expect_rc 0 -- ctl debug crash gateway
expect_eq "output of debug crash gateway" "gateway was made to throw" "$OUT"
expect_tree gateway=1
expect_rc 0 -- ctl --json party get "$P"
expect_eq "party get $P after the gateway restarted" "$P_DOC" "$OUT"
# Paths that name nothing, or nothing that may be crashed that way.
expect_rc 1 -- ctl --json debug crash nosuch/1
expect_err_code not_found
expect_rc 1 -- ctl --json debug crash shard/9
expect_err_code not_found
expect_rc 1 -- ctl --json debug crash node
expect_err_code invalid_argument
expect_rc 1 -- ctl --json debug crash shards/0 --every-message
expect_err_code invalid_argument
expect_rc 1 -- ctl --json debug crash entities/0 --every-message
expect_err_code invalid_argument
expect_rc 1 -- ctl --json debug crash party/abc
expect_err_code invalid_argument
# --every-message checks the path just the same before arming anything.
expect_rc 1 -- ctl --json debug crash shard/9 --every-message
expect_err_code not_found
expect_rc 1 -- ctl --json debug crash party/abc --every-message
expect_err_code invalid_argument
expect_rc 1 -- ctl --json debug crash user/ --every-message
expect_err_code invalid_argument
expect_rc 2 -- ctl debug crash
expect_rc 0 -- ctl --json debug tree
expect_json '[[l["name"], l["restarts"]] for l in d if l["restarts"] != 0]' \
  '[["entities/1", 2], ["events/1", 2], ["gateway", 1]]'
# Supervisors crash too: shards/0 comes back with a fresh owner and region,
# then all of shards; the old owners close their connections (each shard
# database keeps two: its owner's and the node's standby connection).
expect_rc 0 -- ctl debug crash shards/0
expect_eq "output of debug crash shards/0" "shards/0 was made to throw" "$OUT"
expect_tree shards/0=1 shard/0=0 entities/0=0
expect_rc 0 -- ctl debug crash shards
expect_eq "output of debug crash shards" "shards was made to throw" "$OUT"
expect_tree shards=1 shards/0=0 shards/1=0
expect_json '[[l["name"], l["restarts"]] for l in d if l["restarts"] != 0]' \
  '[["shards", 1], ["gateway", 1]]'
expect_json 'sorted(set(l["state"] for l in d))' '["running"]'
shard_connections() {
  "$PG" psql -X -A -t -c "SELECT string_agg(datname || '=' || n, ' ' ORDER BY datname)
    FROM (SELECT datname, count(*) AS n FROM pg_stat_activity
          WHERE datname LIKE 'lunch_shard_%' GROUP BY datname) c"
}
owner_and_standby_each() {
  [[ $(shard_connections) == "lunch_shard_0=2 lunch_shard_1=2 lunch_shard_2=2 lunch_shard_3=2" ]]
}
if wait_until 20 owner_and_standby_each; then
  check_pass
else
  check_fail "PostgreSQL connections per shard database: $(shard_connections)" \
    "expected: two each (the owner's and the standby)"
fi
expect_rc 0 -- ctl --json user get "$M1"
expect_eq "user get $M1 after shards restarted" "$M1_DOC" "$OUT"

# -----------------------------------------------------------------------------
section "6. a crash loop escalates from shards/3 to shards; the rest serves"
U3=${KEYS3[0]} U0=${KEYS0[0]}
expect_rc 0 -- ctl --json user create "$U3" --nickname "nick-$U3"
expect_json 'd["shard_id"]' '3'
expect_rc 0 -- ctl --json user create "$U0" --nickname "nick-$U0"
expect_json 'd["shard_id"]' '0'
log_mark
expect_rc 0 -- ctl debug crash shard/3 --every-message
expect_eq "output of debug crash shard/3 --every-message" \
  "shard/3 now throws on every message" "$OUT"
# Each round: a write to shard 3 (lines "3 RC MS CODE") and one to shard 0
# (lines "0 RC MS CODE"), until shards/3 escalated or 10 s passed.
: >"$WORK/s6.log"
s6_round=0
s6_write() {
  local shard=$1 key=$2 t rc out code
  t=$(now_us)
  rc=0
  out=$(timeout 20 "$BIN/lunchctl" --node "$NODE" --json user update "$key" \
    --nickname "loop$s6_round" 2>&1) || rc=$?
  code=-
  [[ $out =~ \"error\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
  echo "$shard $rc $((($(now_us) - t) / 1000)) $code" >>"$WORK/s6.log"
}
s6_escalated() {
  s6_round=$((s6_round + 1))
  s6_write 3 "$U3"
  s6_write 0 "$U0"
  log_has "event=supervisor.escalated supervisor=shards child=shards/3 "
}
if wait_until 60 s6_escalated; then
  check_pass
else
  check_fail "shards/3 did not escalate within 60 s of crash-looping writes"
fi
echo "crash loop: $s6_round rounds"
LAST_CMD="crash loop: lunchctl user update $U3 (shard 3) and $U0 (shard 0)"
# The shard's event relay reads through the owner too (at each start and
# every 0.5 s), so the owner also crashes on those reads and the loop
# escalates after fewer client writes.
expect_eq "writes to shard 3 during the loop (>= 2)" 1 \
  "$(($(awk '$1 == 3' "$WORK/s6.log" | wc -l) >= 2))"
expect_eq "writes to crash-looping shard 3 that did not fail with 3 unavailable" "" \
  "$(awk '$1 == 3 && ($2 != 3 || $4 != "unavailable") {printf "rc%s:%s ", $2, $4}' "$WORK/s6.log")"
# How long they took is information only (their code is checked above).
echo "slowest write to shard 3: $(awk '$1 == 3 && $3 > m {m = $3} END {print m + 0}' "$WORK/s6.log") ms"
expect_eq "writes to shard 0 during the loop that failed" "" \
  "$(awk '$1 == 0 && $2 != 0 {printf "rc%s:%s ", $2, $4}' "$WORK/s6.log")"
expect_log "event=supervisor.gave_up supervisor=shards/3 child=shard/3 " \
  "restarts=5 within_ms=600000"
expect_log "event=supervisor.escalated supervisor=shards child=shards/3 " \
  'reason="shards/3 gave up: shard/3 failed more than 5 times within 600000 ms'
expect_log "event=supervisor.restart supervisor=shards child=shards/3 " \
  "restart=1 delay_ms=0 strategy=one_for_one"
expect_log "event=actor.crashed actor=shard/3 "
# Still crash-looping: the other shards read and write, the node runs.
expect_rc 0 -- ctl --json user get "$U0"
expect_json 'd["nickname"]' "\"loop$s6_round\""
expect_rc 0 -- ctl --json user update "$U0" --nickname during-loop
expect_json 'd["nickname"]' '"during-loop"'
expect_rc 0 -- ctl --json user get "$H"
expect_json 'd["shard_id"]' '1'
expect_rc 3 -- timeout 20 "$BIN/lunchctl" --node "$NODE" --json user update "$U3" --nickname still-looping
expect_err_code unavailable
if proc_alive "$LUNCHD_PID" lunchd; then
  check_pass
else
  check_fail "lunchd exited during the crash loop"
fi
expect_rc 0 -- ctl debug heal shard/3
expect_eq "output of debug heal shard/3" "shard/3 no longer throws" "$OUT"
heal_t=$(now_us)
healed_write() {
  run ctl --json user update "$U3" --nickname healed
  [[ $RC == 0 ]]
}
if wait_until 30 healed_write; then
  check_pass
else
  check_fail "writes to shard 3 still fail 30 s after debug heal" "$(_last_output)"
fi
echo "shard 3 took writes again $((($(now_us) - heal_t) / 1000)) ms after the heal"
expect_rc 0 -- ctl --json user get "$U3"
expect_json '[d["nickname"], d["shard_id"]]' '["healed", 3]'
expect_rc 0 -- ctl --json debug heal shard/3
expect_json 'd' '{"actor": "shard/3", "healed": false}'
expect_rc 0 -- ctl --json debug tree
expect_json '[l["restarts"] >= 1 for l in d if l["name"] == "shards/3"]' '[true]'
expect_json '["escalations " in l["detail"] for l in d if l["name"] == "shards/3"]' '[true]'
expect_json '[l["restarts"] for l in d if l["name"] in ("shards/0", "shards/1", "shards/2", "shard/0", "entities/0")]' \
  '[0, 0, 0, 0, 0]'
expect_json 'sorted(set(l["state"] for l in d))' '["running"]'

# -----------------------------------------------------------------------------
section "7. PostgreSQL stopped and restarted under load"
# Each line of s7.log: I RC MS DOWN-AT-START DOWN-AT-END UP-AT-START SHARD CODE
# (DOWN: PostgreSQL stopped; UP: restarted after the outage).
s7_loop() {
  set +e
  local i t rc out d0 d1 u0 shard code
  for ((i = 1; i <= 5000; i++)); do
    [[ -e $WORK/s7.stop ]] && break
    d0=0 u0=0
    [[ -e $WORK/pg.down ]] && d0=1
    [[ -e $WORK/pg.up ]] && u0=1
    t=$(now_us)
    out=$(timeout 20 "$BIN/lunchctl" --node "$NODE" --json user create "PG$i" \
      --nickname "pg$i" 2>&1)
    rc=$?
    d1=0
    [[ -e $WORK/pg.down ]] && d1=1
    shard=- code=-
    [[ $out =~ \"shard_id\":([0-9]+) ]] && shard=${BASH_REMATCH[1]}
    [[ $out =~ \"error\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
    echo "$i $rc $((($(now_us) - t) / 1000)) $d0 $d1 $u0 $shard $code" >>"$WORK/s7.log"
    sleep 0.02
  done
}
rm -f "$WORK"/s7.* "$WORK"/pg.*
: >"$WORK/s7.log"
s7_loop &
BG_PIDS+=($!)
acked_on_all() { # [FLAG-COLUMN-6]: an acknowledged write on every shard
  [[ $(awk -v up="${1:-0}" '$2 == 0 && $6 >= up {print $7}' "$WORK/s7.log" | sort -u | paste -sd,) == 0,1,2,3 ]]
}
wait_until 30 acked_on_all || fatal "the write loop got no write acknowledged on every shard in 30 s"
log_mark
"$PG" stop >/dev/null || fatal "scripts/pg.sh stop failed"
touch "$WORK/pg.down"
# Down for at least 2 s and 20 writes: long enough for owners to give up.
down_t=$(now_us)
down_writes() {
  (($(now_us) - down_t >= 2000000)) &&
    (($(awk '$4 == 1 && $5 == 1' "$WORK/s7.log" | wc -l) >= 20))
}
wait_until 30 down_writes || check_fail "fewer than 20 writes while PostgreSQL was down"
rm -f "$WORK/pg.down"
"$PG" start >/dev/null || fatal "PostgreSQL did not restart (log: $LUNCH_PG_DIR/log)"
touch "$WORK/pg.up"
up_t=$(now_us)
if wait_until 30 acked_on_all 1; then
  check_pass
else
  check_fail "not every shard took a write within 30 s of PostgreSQL coming back" \
    "$(tail -n 4 "$WORK/s7.log")"
fi
echo "every shard took writes again $((($(now_us) - up_t) / 1000)) ms after PostgreSQL restarted"
touch "$WORK/s7.stop"
wait "${BG_PIDS[@]}" || true
BG_PIDS=()
n_total=$(wc -l <"$WORK/s7.log")
n_acked=$(awk '$2 == 0' "$WORK/s7.log" | wc -l)
n_down=$(awk '$4 == 1 && $5 == 1' "$WORK/s7.log" | wc -l)
echo "write loop: $n_total writes, $n_acked acknowledged, $n_down while PostgreSQL was down"
LAST_CMD="write loop: lunchctl user create PG<i> while PostgreSQL stops and restarts"
expect_eq "writes with an exit code other than 0 and 3" "" \
  "$(awk '$2 != 0 && $2 != 3 {printf "PG%s:rc%s ", $1, $2}' "$WORK/s7.log")"
expect_eq "writes while PostgreSQL was down that did not fail with 3 unavailable" "" \
  "$(awk '$4 == 1 && $5 == 1 && ($2 != 3 || $8 != "unavailable") {printf "PG%s:rc%s:%s ", $1, $2, $8}' "$WORK/s7.log")"
# How long they took is information only; that they failed fast shows in
# their code (unavailable, above), never timeout.
echo "slowest write while PostgreSQL was down: $(awk '$4 == 1 && $5 == 1 && $3 > m {m = $3} END {print m + 0}' "$WORK/s7.log") ms"
expect_eq "failed writes that timed out (not a fast failure)" "" \
  "$(awk '$2 != 0 && $8 == "timeout" {printf "PG%s:%sms ", $1, $3}' "$WORK/s7.log")"
lost=()
while read -r i rc _; do
  [[ $rc == 0 ]] || continue
  run ctl --json user get "PG$i"
  if [[ $RC != 0 || $OUT != *'"nickname":"pg'$i'"'* ]]; then
    lost+=("PG$i(rc $RC)")
  fi
done <"$WORK/s7.log"
expect_eq "acknowledged users not readable after the outage (of $n_acked)" "" "${lost[*]}"
if proc_alive "$LUNCHD_PID" lunchd; then
  check_pass
else
  check_fail "lunchd exited during the database outage"
fi
# shellcheck disable=SC2034
LAST_CMD="grep lunchd.log"
n_db_restarts=$(log_since | grep -Ec 'event=supervisor\.(restart|gave_up) supervisor=shards/[0-3] child=shard/[0-3] .*database' || true)
echo "log lines of owners restarted or given up on for the database: $n_db_restarts"
expect_eq "owners restarted on a broken connection (log: supervisor.restart|gave_up of shards/N, reason about the database)" 1 \
  "$((n_db_restarts > 0))"
expect_rc 0 -- ctl --json node status
expect_json 'd["unreachable_shards"]' '[]'

# -----------------------------------------------------------------------------
section "8. SIGTERM stops the node cleanly"
stop_lunchd_with TERM

echo "runtime: $((($(now_us) - E2E_T0) / 1000)) ms"
summary
